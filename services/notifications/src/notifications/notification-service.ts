import type { Kysely, Transaction } from 'kysely';
import { NotFoundError, type Principal } from '@provisio/service-kit';
import type { NotificationsDb } from '../tables.js';
import { decodeCursor, encodeCursor } from './cursor.js';
import { emitNotificationChanged } from './notification-changes.js';
import type { Inbox, ItemRow, NotificationRepository, NotificationRow } from './repository.js';
import type { ListQuery, Notification, NotificationItem, NotificationList } from './schemas.js';

export interface NotificationServiceDeps {
  db: { kysely: Kysely<NotificationsDb>; transaction<R>(fn: (tx: Transaction<NotificationsDb>) => Promise<R>): Promise<R> };
  repo: NotificationRepository;
  /** The clock `overdue` is computed against. */
  now?: () => Date;
}

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

/** The caller sees only the notifications addressed to them, in their company. */
const inboxOf = (principal: Principal): Inbox => ({ companyId: principal.companyId, assigneeId: principal.id });

export function toItem(row: ItemRow, now: Date): NotificationItem {
  const pastDue = row.due_at !== null && new Date(row.due_at).getTime() <= now.getTime();
  return {
    id: row.id,
    providerId: row.provider_id,
    providerName: row.provider_name,
    action: row.action,
    state: row.state,
    dueAt: isoOrNull(row.due_at),
    overdue: row.state === 'pending' && (pastDue || row.overdue_at !== null),
    requestedAt: isoOrNull(row.requested_at),
    closedAt: isoOrNull(row.closed_at),
  };
}

export function toNotification(row: NotificationRow, items: NotificationItem[]): Notification {
  const name = [row.first_name, row.last_name].filter((part) => part !== null && part !== '').join(' ');
  return {
    id: row.id,
    type: 'provision_requested',
    title: 'Provision Requested',
    employee: { id: row.employee_id, name: name === '' ? null : name },
    assigneeId: row.assignee_id,
    state: row.state,
    items,
    read: row.read,
    createdAt: iso(row.created_at),
    updatedAt: iso(row.updated_at),
    closedAt: isoOrNull(row.closed_at),
    version: row.version,
  };
}

/** The assignee's view of their notifications: list, read one, mark read, count unread. */
export function createNotificationService({ db, repo, now = () => new Date() }: NotificationServiceDeps) {
  /**
   * Reads in one snapshot (REPEATABLE READ), so a notification and its items always agree even while
   * requests are being stacked into it.
   */
  function snapshot<R>(fn: (tx: Transaction<NotificationsDb>) => Promise<R>): Promise<R> {
    return db.kysely.transaction().setIsolationLevel('repeatable read').execute(fn);
  }

  async function withItems(tx: Transaction<NotificationsDb>, companyId: string, rows: NotificationRow[]): Promise<Notification[]> {
    const items = await repo.items(tx, companyId, rows.map((row) => row.id));
    const at = now();
    const byNotification = new Map<string, NotificationItem[]>();
    for (const item of items) {
      const list = byNotification.get(item.notification_id) ?? [];
      list.push(toItem(item, at));
      byNotification.set(item.notification_id, list);
    }
    return rows.map((row) => toNotification(row, byNotification.get(row.id) ?? []));
  }

  /** One of the caller's notifications, and the trace that opened it (W3C traceparent; its completion continues it). */
  async function find(principal: Principal, id: string): Promise<{ notification: Notification; traceOrigin: string | null }> {
    return snapshot(async (tx) => {
      const row = await repo.find(tx, inboxOf(principal), id);
      if (!row) throw new NotFoundError(`Notification ${id} was not found.`);
      const [notification] = await withItems(tx, principal.companyId, [row]);
      return { notification: notification!, traceOrigin: row.origin_traceparent };
    });
  }

  async function get(principal: Principal, id: string): Promise<Notification> {
    return (await find(principal, id)).notification;
  }

  return {
    async list(principal: Principal, query: ListQuery): Promise<NotificationList> {
      const after = decodeCursor(query.cursor);
      return snapshot(async (tx) => {
        const page = await repo.list(tx, inboxOf(principal), { state: query.state, limit: query.limit, after });
        const last = page.rows.at(-1);
        return {
          items: await withItems(tx, principal.companyId, page.rows),
          nextCursor: page.hasMore && last ? encodeCursor({ createdAt: last.cursor_at, id: last.id }) : null,
        };
      });
    },

    get,
    find,

    /** Marks the notification read (once: reading it again changes nothing and emits nothing). */
    async markRead(principal: Principal, id: string): Promise<Notification> {
      await db.transaction(async (tx) => {
        const changed = await repo.markRead(tx, inboxOf(principal), id);
        if (changed) await emitNotificationChanged(tx, { ...changed, pending: changed.pending ?? 0 }, 'updated');
      });
      return get(principal, id);
    },

    async unreadCount(principal: Principal): Promise<{ count: number }> {
      return { count: await repo.unreadCount(db.kysely, inboxOf(principal)) };
    },
  };
}
export type NotificationService = ReturnType<typeof createNotificationService>;
