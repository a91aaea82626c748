import type { Transaction } from 'kysely';
import { notificationChanged } from '@provisio/contracts';
import { emit } from '@provisio/messaging';
import type { NotificationsDb } from '../tables.js';

export const EVENT_SOURCE = 'provisio/notifications';

export interface ChangedNotification {
  id: string;
  company_id: string;
  assignee_id: string;
  employee_id: string;
  state: 'open' | 'done';
  version: number;
  pending: number;
}

/** Announces a created or changed notification through the outbox, in the transaction that changed it. */
export async function emitNotificationChanged(
  tx: Transaction<NotificationsDb>,
  notification: ChangedNotification,
  change: 'created' | 'updated',
): Promise<void> {
  const event = notificationChanged.build(
    {
      companyId: notification.company_id,
      notificationId: notification.id,
      assigneeId: notification.assignee_id,
      employeeId: notification.employee_id,
      change,
      state: notification.state,
      pendingItems: notification.pending,
      version: notification.version,
    },
    { source: EVENT_SOURCE, subject: notification.id },
  );
  await emit(tx as Transaction<unknown>, event, notification.id);
}
