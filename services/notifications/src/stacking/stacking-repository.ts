import { randomUUID } from 'node:crypto';
import { sql, type Selectable, type Transaction } from 'kysely';
import type { AccountStatus, AccountStatusChanged } from '@provisio/contracts';
import type { NotificationItemsTable, NotificationsDb } from '../tables.js';
import type { AccountEvent, AccountRequest } from './account-requests.js';

type Tx = Transaction<NotificationsDb>;

/** The aggregation key: one open notification per (company, assignee, employee). */
export interface StackKey {
  companyId: string;
  assigneeId: string;
  employeeId: string;
}

/** What stacking a request did to the notification of its key. */
export type StackResult = 'created' | 'merged';

export type ItemRow = Selectable<NotificationItemsTable> & { notification_state: 'open' | 'done' };

export interface Account {
  companyId: string;
  employeeId: string;
  providerId: string;
}

export interface NotificationSpan {
  id: string;
  state: 'open' | 'done';
  start: Date;
  end: Date | null;
}

/** The finished state of one notification after a transaction changed it. */
export interface NotificationSummary {
  id: string;
  company_id: string;
  assignee_id: string;
  employee_id: string;
  state: 'open' | 'done';
  version: number;
  pending: number;
  total: number;
}

export function createStackingRepository() {
  return {
    /**
     * Serialises every change to one employee's notifications (any assignee): stacking, moving an item to
     * another assignee, closing. The partial unique index still holds the invariant on its own.
     */
    async lockEmployee(tx: Tx, companyId: string, employeeId: string): Promise<void> {
      await sql`select pg_advisory_xact_lock(hashtext(${`notifications:${companyId}:${employeeId}`}))`.execute(tx);
    },

    /** Records one status event; false when this account version was already recorded. */
    async recordEvent(tx: Tx, event: AccountStatusChanged): Promise<boolean> {
      const result = await tx
        .insertInto('account_events')
        .values({
          company_id: event.companyId,
          employee_id: event.employeeId,
          provider_id: event.providerId,
          version: event.version,
          from_status: event.from,
          to_status: event.to,
          assignee_id: event.assigneeId,
          previous_assignee_id: event.previousAssigneeId ?? null,
          due_at: event.dueAt === null ? null : new Date(event.dueAt),
          at: new Date(event.at),
        })
        .onConflict((oc) => oc.doNothing())
        .executeTakeFirst();
      return Number(result.numInsertedOrUpdatedRows ?? 0) > 0;
    },

    async accountEvents(tx: Tx, account: Account): Promise<AccountEvent[]> {
      const rows = await tx
        .selectFrom('account_events')
        .selectAll()
        .where('company_id', '=', account.companyId)
        .where('employee_id', '=', account.employeeId)
        .where('provider_id', '=', account.providerId)
        .orderBy('version')
        .execute();
      return rows.map((row) => ({
        version: row.version,
        from: row.from_status as AccountStatus,
        to: row.to_status as AccountStatus,
        assigneeId: row.assignee_id,
        previousAssigneeId: row.previous_assignee_id,
        dueAt: row.due_at === null ? null : new Date(row.due_at).toISOString(),
        at: new Date(row.at).toISOString(),
      }));
    },

    async accountItems(tx: Tx, account: Account): Promise<ItemRow[]> {
      return tx
        .selectFrom('notification_items as i')
        .innerJoin('notifications as n', 'n.id', 'i.notification_id')
        .selectAll('i')
        .select('n.state as notification_state')
        .where('i.company_id', '=', account.companyId)
        .where('i.employee_id', '=', account.employeeId)
        .where('i.provider_id', '=', account.providerId)
        .orderBy('i.first_version')
        .execute();
    },

    /**
     * Merge-or-create: the open notification of the key, created when there is none. The insert and the
     * partial unique index decide together, so concurrent callers get the same row; the row stays locked
     * until the transaction ends.
     */
    async mergeOrCreateOpen(tx: Tx, key: StackKey): Promise<{ notificationId: string; result: StackResult }> {
      const id = randomUUID();
      const row = await tx
        .insertInto('notifications')
        .values({ id, company_id: key.companyId, assignee_id: key.assigneeId, employee_id: key.employeeId, state: 'open' })
        .onConflict((oc) =>
          oc
            .columns(['company_id', 'assignee_id', 'employee_id'])
            .where('state', '=', 'open')
            .doUpdateSet({ updated_at: sql`notifications.updated_at` }),
        )
        .returning('id')
        .executeTakeFirstOrThrow();
      return { notificationId: row.id, result: row.id === id ? 'created' : 'merged' };
    },

    /**
     * The notifications of the key with the time span their requests cover, by the accounts service's clock:
     * from the earliest request's start to the latest close (null while one is open).
     */
    async spans(tx: Tx, key: StackKey): Promise<NotificationSpan[]> {
      const rows = await tx
        .selectFrom('notifications as n')
        .innerJoin('notification_items as i', 'i.notification_id', 'n.id')
        .select(['n.id', 'n.state'])
        .select((eb) => [eb.fn.min('i.since').as('start'), eb.fn.max('i.closed_at').as('end')])
        .where('n.company_id', '=', key.companyId)
        .where('n.assignee_id', '=', key.assigneeId)
        .where('n.employee_id', '=', key.employeeId)
        .groupBy(['n.id', 'n.state'])
        .execute();
      return rows.map((row) => ({
        id: row.id,
        state: row.state,
        start: new Date(row.start),
        end: row.state === 'open' || row.end === null ? null : new Date(row.end),
      }));
    },

    /** A notification that is closed from the start: it holds a request first seen after it had ended. */
    async createClosed(tx: Tx, key: StackKey): Promise<string> {
      const id = randomUUID();
      await tx
        .insertInto('notifications')
        .values({ id, company_id: key.companyId, assignee_id: key.assigneeId, employee_id: key.employeeId, state: 'done', closed_at: sql`now()` })
        .execute();
      return id;
    },

    async insertItem(tx: Tx, notificationId: string, account: Account, assigneeId: string, request: AccountRequest): Promise<string> {
      const id = randomUUID();
      await tx
        .insertInto('notification_items')
        .values({
          id,
          notification_id: notificationId,
          company_id: account.companyId,
          employee_id: account.employeeId,
          provider_id: account.providerId,
          assignee_id: assigneeId,
          ...itemFields(request),
        })
        .execute();
      return id;
    },

    async updateItem(
      tx: Tx,
      id: string,
      changes: { notificationId: string; assigneeId: string; request: AccountRequest; clearOverdue: boolean },
    ): Promise<void> {
      await tx
        .updateTable('notification_items')
        .set({
          notification_id: changes.notificationId,
          assignee_id: changes.assigneeId,
          ...itemFields(changes.request),
          ...(changes.clearOverdue ? { overdue_at: null } : {}),
          updated_at: sql`now()`,
        })
        .where('id', '=', id)
        .execute();
    },

    async deleteItem(tx: Tx, id: string): Promise<void> {
      await tx.deleteFrom('notification_items').where('id', '=', id).execute();
    },

    /** Marks the pending items of these accounts overdue; returns the notifications they are in. */
    async markOverdue(tx: Tx, account: Omit<Account, 'providerId'>, action: 'provision' | 'deprovision', providerIds: readonly string[]): Promise<string[]> {
      if (providerIds.length === 0) return [];
      const rows = await tx
        .updateTable('notification_items')
        .set({ overdue_at: sql`now()`, updated_at: sql`now()` })
        .where('company_id', '=', account.companyId)
        .where('employee_id', '=', account.employeeId)
        .where('action', '=', action)
        .where('provider_id', 'in', providerIds)
        .where('state', '=', 'pending')
        .where('overdue_at', 'is', null)
        .returning('notification_id')
        .execute();
      return [...new Set(rows.map((row) => row.notification_id))];
    },

    /**
     * Settles a notification its items changed: done once no item is pending (a done notification never
     * reopens; a later request opens a new one), unread again when a pending item arrived, one version up.
     * A notification left without items (its only request moved to another assignee) is deleted.
     */
    async settle(tx: Tx, id: string, options: { created: boolean; pendingArrived: boolean }): Promise<NotificationSummary | undefined> {
      const { rows } = await sql<NotificationSummary>`
        with counts as (
          select count(*) filter (where state = 'pending')::int as pending, count(*)::int as total
          from notification_items where notification_id = ${id}
        )
        update notifications n set
          state = case when counts.pending = 0 then 'done' else n.state end,
          closed_at = case when counts.pending = 0 and n.state = 'open' then now() else n.closed_at end,
          read = case when ${options.pendingArrived} then false else n.read end,
          version = n.version + case when ${options.created} then 0 else 1 end,
          updated_at = now()
        from counts
        where n.id = ${id}
        returning n.id, n.company_id, n.assignee_id, n.employee_id, n.state, n.version, counts.pending, counts.total`.execute(tx);
      const summary = rows[0];
      if (summary && summary.total === 0) {
        await tx.deleteFrom('notifications').where('id', '=', id).execute();
      }
      return summary;
    },
  };
}
export type StackingRepository = ReturnType<typeof createStackingRepository>;

function itemFields(request: AccountRequest) {
  return {
    action: request.action,
    state: request.state,
    due_at: request.dueAt === null ? null : new Date(request.dueAt),
    first_version: request.firstVersion,
    last_version: request.lastVersion,
    opened_version: request.openedVersion,
    closed_version: request.closedVersion,
    requested_at: request.requestedAt === null ? null : new Date(request.requestedAt),
    closed_at: request.closedAt === null ? null : new Date(request.closedAt),
    since: new Date(request.since),
  };
}
