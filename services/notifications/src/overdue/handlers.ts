import type { Transaction } from 'kysely';
import { workflowTaskOverdue } from '@provisio/contracts';
import type { Consumer } from '@provisio/messaging';
import type { NotificationsDb } from '../tables.js';
import type { OverdueService } from './overdue-service.js';

/**
 * `workflow.task.overdue` → the task's still-pending items show as overdue (consumer `notifications-workflows`
 * on WORKFLOWS). Items are also overdue, without this event, once their own `dueAt` has passed (read time).
 */
export function consumeWorkflowEvents(consumer: Consumer, overdue: OverdueService): Consumer {
  return consumer.on(workflowTaskOverdue, async (event, tx) => {
    await overdue.markOverdue(tx as Transaction<NotificationsDb>, event.data);
  });
}
