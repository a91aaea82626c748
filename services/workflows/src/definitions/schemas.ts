import { z } from 'zod';
import { employeeId } from '@provisio/contracts';

const matchValues = z.array(z.string().trim().min(1).max(200)).min(1).max(100);

const dueRule = z
  .strictObject({
    days: z.number().int().min(-3650).max(3650).describe('Days after (negative: before) the reference date'),
    from: z.enum(['trigger', 'start_date', 'termination_date']),
  })
  .describe('Due date of the task: `days` relative to the trigger event, the start date or the termination date');

const taskInput = z.strictObject({
  title: z.string().trim().min(1).max(200).optional(),
  providerIds: z
    .union([z.array(z.uuid()).min(1).max(200), z.literal('all_with_access')])
    .describe('The providers to act on, or "all_with_access" (deprovisioning only): every provider where the person has access'),
  assigneeId: employeeId.nullish().describe('An active admin; when absent, each provider’s assignee for the direction'),
  due: dueRule.nullish(),
});

const triggerInput = z.strictObject({
  on: z.enum(['hire', 'termination']),
  match: z
    .strictObject({ department: matchValues.optional(), jobTitle: matchValues.optional(), location: matchValues.optional() })
    .optional()
    .describe('Every listed field must match, any listed value of a field matches; no match means everyone'),
});

const name = z.string().trim().min(1).max(200);
const description = z.string().max(2_000).nullish();
const kind = z.enum(['provisioning', 'deprovisioning']);

export const createWorkflowBody = z
  .strictObject({
    name,
    kind,
    description,
    tasks: z.array(taskInput).min(1).max(50),
    triggers: z.array(triggerInput).max(20).optional(),
  })
  .meta({
    examples: [{
      name: 'Engineering onboarding',
      kind: 'provisioning',
      tasks: [{ title: 'Engineering apps', providerIds: ['0b6f1c1e-6a55-4a8e-9a53-0d1b8f6f2b10'], assigneeId: 'ada', due: { days: -1, from: 'start_date' } }],
      triggers: [{ on: 'hire', match: { department: ['Engineering'] } }],
    }],
  });
export type CreateWorkflowBody = z.infer<typeof createWorkflowBody>;

export const patchWorkflowBody = z.strictObject({
  name: name.optional(),
  kind: kind.optional(),
  description,
  tasks: z.array(taskInput).min(1).max(50).optional(),
  triggers: z.array(triggerInput).max(20).optional(),
});
export type PatchWorkflowBody = z.infer<typeof patchWorkflowBody>;
export type TaskInput = z.infer<typeof taskInput>;
export type TriggerInput = z.infer<typeof triggerInput>;

const task = z.object({
  title: z.string(),
  providerIds: z.union([z.array(z.uuid()), z.literal('all_with_access')]),
  assigneeId: z.string().nullable(),
  due: z.object({ days: z.number().int(), from: z.enum(['trigger', 'start_date', 'termination_date']) }).nullable(),
});

const trigger = z.object({
  on: z.enum(['hire', 'termination']),
  match: z
    .object({ department: z.array(z.string()).optional(), jobTitle: z.array(z.string()).optional(), location: z.array(z.string()).optional() })
    .nullable(),
});

const content = {
  name: z.string(),
  description: z.string().nullable(),
  tasks: z.array(task),
  triggers: z.array(trigger),
};

export const workflowSchema = z
  .object({
    id: z.uuid(),
    kind,
    ...content,
    status: z.enum(['draft', 'published', 'archived']).describe('draft until first published; published while a version triggers; archived'),
    version: z.number().int().positive().describe('The latest version: the one shown and edited'),
    publishedVersion: z.number().int().positive().nullable().describe('The version that triggers runs'),
    hasUnpublishedChanges: z.boolean().describe('The latest version is a draft made from a published workflow'),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
  })
  .meta({ id: 'Workflow' });
export type Workflow = z.infer<typeof workflowSchema>;

export const workflowVersionSchema = z
  .object({
    version: z.number().int().positive(),
    status: z.enum(['draft', 'published', 'superseded']),
    ...content,
    createdAt: z.iso.datetime(),
    createdBy: z.string(),
    publishedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'WorkflowVersion' });
export type WorkflowVersion = z.infer<typeof workflowVersionSchema>;

export const workflowDetailSchema = workflowSchema.extend({ versions: z.array(workflowVersionSchema) }).meta({ id: 'WorkflowWithVersions' });
export type WorkflowDetail = z.infer<typeof workflowDetailSchema>;

export const workflowParams = z.strictObject({ workflowId: z.uuid() });

export const workflowListQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
  kind: kind.optional(),
  status: z.enum(['draft', 'published', 'archived']).optional(),
});
export type WorkflowListQuery = z.infer<typeof workflowListQuery>;

export const workflowListSchema = z.object({ items: z.array(workflowSchema), nextCursor: z.string().nullable() });
