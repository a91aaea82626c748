import { z } from 'zod';
import { employeeId } from '@provisio/contracts';

const action = z.enum(['provision', 'deprovision']);

export const runItemSchema = z.object({
  providerId: z.uuid(),
  action,
  state: z.enum(['pending', 'done', 'skipped']).describe('done: the account reached the target; skipped: nothing to do'),
});

export const runTaskSchema = z.object({
  id: z.uuid(),
  title: z.string(),
  action,
  assigneeId: z.string().nullable().describe('null: each provider’s assignee for the direction'),
  dueAt: z.iso.datetime().nullable(),
  status: z.enum(['open', 'completed', 'overdue', 'cancelled']).describe('cancelled: its run was cancelled before it was completed'),
  completedAt: z.iso.datetime().nullable(),
  items: z.array(runItemSchema).describe('Empty for an "all_with_access" task until the accounts service has resolved it'),
});

export const runSchema = z
  .object({
    id: z.uuid(),
    workflowId: z.uuid(),
    workflowVersion: z.number().int().positive(),
    workflowName: z.string(),
    kind: z.enum(['provisioning', 'deprovisioning']),
    employeeId: z.string(),
    trigger: z.enum(['hire', 'termination', 'manual']),
    status: z.enum(['running', 'completed', 'cancelled']),
    startedAt: z.iso.datetime(),
    startedBy: z.string(),
    completedAt: z.iso.datetime().nullable(),
    cancelledAt: z.iso.datetime().nullable(),
    tasks: z.array(runTaskSchema),
  })
  .meta({ id: 'WorkflowRun' });
export type Run = z.infer<typeof runSchema>;

export const runParams = z.strictObject({ runId: z.uuid() });

export const startRunBody = z.strictObject({ employeeId });
export type StartRunBody = z.infer<typeof startRunBody>;

export const runListQuery = z.strictObject({
  employeeId: employeeId.optional(),
  status: z.enum(['running', 'completed', 'cancelled']).optional(),
  workflowId: z.uuid().optional(),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export type RunListQuery = z.infer<typeof runListQuery>;

export const runListSchema = z.object({ items: z.array(runSchema), nextCursor: z.string().nullable() });
