import { sql, type Transaction, type UpdateQueryBuilder, type UpdateResult } from 'kysely';
import { notificationChanged } from '@provisio/contracts';
import { emitMany } from '@provisio/messaging';
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

/**
 * An update of one notification that returns what announcing it needs: its columns and how many of its items
 * are pending (`pending`, null when it has none). Used with `$call` by every in-place change.
 */
export function returningAnnouncement(query: UpdateQueryBuilder<NotificationsDb, 'notifications', 'notifications', UpdateResult>) {
  return query
    .returning(['id', 'company_id', 'assignee_id', 'employee_id', 'state', 'version'])
    .returning((eb) =>
      eb
        .selectFrom('notification_items')
        .select(sql<number>`count(*)::int`.as('n'))
        .whereRef('notification_items.notification_id', '=', 'notifications.id')
        .where('notification_items.state', '=', 'pending')
        .as('pending'),
    );
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
  await emitNotificationsChanged(tx, [{ notification, change }]);
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
