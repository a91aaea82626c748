import type { Transaction } from 'kysely';
import { notificationChanged } from '@provisio/contracts';
import { emit, emitMany } from '@provisio/messaging';
import type { Span } from '@provisio/telemetry';
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

function changedEvent(notification: ChangedNotification, change: 'created' | 'updated') {
  return notificationChanged.build(
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
}

/** Announces a created or changed notification through the outbox, in the transaction that changed it. */
export async function emitNotificationChanged(
  tx: Transaction<NotificationsDb>,
  notification: ChangedNotification,
  change: 'created' | 'updated',
): Promise<void> {
  await emit(tx as Transaction<unknown>, changedEvent(notification, change), notification.id);
}

/** Announces many notifications with one insert, each in the trace of its `span` when given. */
export async function emitNotificationsChanged(
  tx: Transaction<NotificationsDb>,
  changes: readonly { notification: ChangedNotification; change: 'created' | 'updated'; span?: Span }[],
): Promise<void> {
  await emitMany(
    tx as Transaction<unknown>,
    changes.map(({ notification, change, span }) => ({ event: changedEvent(notification, change), aggregateId: notification.id, span })),
  );
}
