import { z } from 'zod';
import { defineEvent } from '@provisio/messaging';
import { accountDirection, accountStatus, companyId, employeeId, uuid } from '../ids.js';

/**
 * The accounts service's answer to `workflow.task.started`: for each provider it resolved, the item's
 * starting state — `pending` (a request is open), `done` (the account already was where the task wants
 * it), `skipped` (nothing to do: deprovisioning an account that does not exist, or an archived provider).
 */
export const taskRequestsApplied = defineEvent(
  'account.task_requests_applied',
  z.object({
    companyId,
    runId: uuid,
    taskId: uuid,
    employeeId,
    action: accountDirection,
    items: z.array(
      z.object({
        providerId: uuid,
        state: z.enum(['pending', 'done', 'skipped']),
        status: accountStatus,
        /** The account's version after the request, to order it against status events. */
        version: z.number().int().nonnegative(),
      }),
    ),
  }),
);
export type TaskRequestsApplied = z.infer<typeof taskRequestsApplied.data>;
