import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { NotificationItemsTable, NotificationsDb, NotificationsTable } from '../tables.js';
import { returningAnnouncement } from './notification-changes.js';
import type { NotificationCursor } from './cursor.js';

type Db = Kysely<NotificationsDb> | Transaction<NotificationsDb>;

export type NotificationRow = Selectable<NotificationsTable> & {
  cursor_at: string;
  first_name: string | null;
  last_name: string | null;
};
export type ItemRow = Selectable<NotificationItemsTable> & { provider_name: string | null };

/** The notifications of one assignee in one company: every query is scoped by both. */
export interface Inbox {
  companyId: string;
  assigneeId: string;
}

function notificationsOf(db: Db, inbox: Inbox) {
  return db
    .selectFrom('notifications as n')
    .leftJoin('roster_employees as e', (join) => join.onRef('e.company_id', '=', 'n.company_id').onRef('e.id', '=', 'n.employee_id'))
    .selectAll('n')
    .select([
      sql<string>`to_char(n.created_at at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.US"Z"')`.as('cursor_at'),
      'e.first_name',
      'e.last_name',
    ])
    .where('n.company_id', '=', inbox.companyId)
    .where('n.assignee_id', '=', inbox.assigneeId);
}

export function createNotificationRepository() {
  return {
    async list(
      db: Db,
      inbox: Inbox,
      options: { state: 'open' | 'done' | 'all'; limit: number; after?: NotificationCursor | undefined },
    ): Promise<{ rows: NotificationRow[]; hasMore: boolean }> {
      let query = notificationsOf(db, inbox)
        .orderBy('n.created_at', 'desc')
        .orderBy('n.id', 'desc')
        .limit(options.limit + 1);
      if (options.state !== 'all') query = query.where('n.state', '=', options.state);
      if (options.after) {
        query = query.where(sql<boolean>`(n.created_at, n.id) < (${options.after.createdAt}::timestamptz, ${options.after.id}::uuid)`);
      }
      const rows = await query.execute();
      return { rows: rows.slice(0, options.limit), hasMore: rows.length > options.limit };
    },

    async find(db: Db, inbox: Inbox, id: string): Promise<NotificationRow | undefined> {
      return notificationsOf(db, inbox).where('n.id', '=', id).executeTakeFirst();
    },

    /** The items of these notifications with their provider names, in the order they were stacked. */
    async items(db: Db, companyId: string, notificationIds: readonly string[]): Promise<ItemRow[]> {
      if (notificationIds.length === 0) return [];
      return db
        .selectFrom('notification_items as i')
        .leftJoin('provider_names as p', (join) => join.onRef('p.company_id', '=', 'i.company_id').onRef('p.id', '=', 'i.provider_id'))
        .selectAll('i')
        .select('p.name as provider_name')
        .where('i.company_id', '=', companyId)
        .where('i.notification_id', 'in', notificationIds)
        .orderBy('i.created_at')
        .orderBy('i.id')
        .execute();
    },

    /** Marks read; undefined when it is not the assignee's or was read already. */
    async markRead(tx: Transaction<NotificationsDb>, inbox: Inbox, id: string) {
      return tx
        .updateTable('notifications')
        .set({ read: true, version: sql`version + 1`, updated_at: sql`now()` })
        .where('company_id', '=', inbox.companyId)
        .where('assignee_id', '=', inbox.assigneeId)
        .where('id', '=', id)
        .where('read', '=', false)
        .$call(returningAnnouncement)
        .executeTakeFirst();
    },

    /** Open notifications the assignee has not read. */
    async unreadCount(db: Db, inbox: Inbox): Promise<number> {
      const row = await db
        .selectFrom('notifications')
        .select(sql<number>`count(*)::int`.as('count'))
        .where('company_id', '=', inbox.companyId)
        .where('assignee_id', '=', inbox.assigneeId)
        .where('state', '=', 'open')
        .where('read', '=', false)
        .executeTakeFirstOrThrow();
      return row.count;
    },
  };
}
export type NotificationRepository = ReturnType<typeof createNotificationRepository>;
