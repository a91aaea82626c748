import { z } from 'zod';
import { defineEvent } from '@provisio/messaging';
import { accountDirection, companyId, employeeId, isoDateTime, uuid } from '../ids.js';

/** Emitted once per task when it passes its due date while open. */
export const workflowTaskOverdue = defineEvent(
  'workflow.task.overdue',
  z.object({
    companyId,
    runId: uuid,
    taskId: uuid,
    employeeId,
    action: accountDirection,
    /** The providers whose items were still pending. */
    providerIds: z.array(uuid),
    assigneeId: employeeId.nullable(),
    dueAt: isoDateTime,
  }),
);
export type WorkflowTaskOverdue = z.infer<typeof workflowTaskOverdue.data>;
