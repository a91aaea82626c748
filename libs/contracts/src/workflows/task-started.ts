import { z } from 'zod';
import { defineEvent } from '@provisio/messaging';
import { accountDirection, companyId, employeeId, isoDateTime, uuid } from '../ids.js';

/**
 * A workflow task started: the accounts service requests `action` for the employee on each provider (or,
 * `all_with_access`, on every provider where the person holds access) and answers with
 * `account.task_requests_applied`. `assigneeId` null means each provider's assignee for that direction.
 */
export const workflowTaskStarted = defineEvent(
  'workflow.task.started',
  z.object({
    companyId,
    runId: uuid,
    taskId: uuid,
    workflowId: uuid,
    employeeId,
    action: accountDirection,
    providers: z.union([z.array(uuid).min(1), z.literal('all_with_access')]),
    assigneeId: employeeId.nullable(),
    dueAt: isoDateTime.nullable(),
    actorId: z.string(),
  }),
);
export type WorkflowTaskStarted = z.infer<typeof workflowTaskStarted.data>;
