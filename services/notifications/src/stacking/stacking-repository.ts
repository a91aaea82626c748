import { sql, type Transaction } from 'kysely';
import type { AccountStatus, AccountStatusChanged } from '@provisio/contracts';
import { pgArray, type ArrayElement } from '@provisio/db';
import type { NotificationsDb } from '../tables.js';
import { returningAnnouncement } from '../notifications/notification-changes.js';
import type { AccountEvent } from './account-requests.js';
import type { EmployeeModel, ItemModel, NotificationChange } from './stacking-plan.js';

type Tx = Transaction<NotificationsDb>;

export interface Employee {
  companyId: string;
  employeeId: string;
}

export interface Account extends Employee {
  providerId: string;
}

export const employeeKey = (e: Employee) => JSON.stringify([e.companyId, e.employeeId]);
export const accountKey = (a: Account) => JSON.stringify([a.companyId, a.employeeId, a.providerId]);

const iso = (value: Date | string) => new Date(value).toISOString();
const isoOrNull = (value: Date | string | null) => (value === null ? null : iso(value));

function employeeTuples(employees: readonly Employee[]) {
  return sql`(select * from unnest(${pgArray(employees.map((e) => e.companyId))}::text[], ${pgArray(employees.map((e) => e.employeeId))}::text[]))`;
}

export function createStackingRepository() {
  return {
    /** Records status events; a version already recorded is not recorded again. */
    /**
     * Serialises all work on one employee's notifications (any assignee) across stackers and instances.
     * Locks are taken in the order of their lock ids, so two transactions never wait on each other in a circle.
     */
    async lockEmployees(tx: Tx, employees: readonly Employee[]): Promise<void> {
      const keys = employees.map((e) => `notifications:${e.companyId}:${e.employeeId}`).sort();
      await sql`select pg_advisory_xact_lock(id) from (select distinct hashtext(k) as id from unnest(${pgArray(keys)}::text[]) as k order by 1) as locks`.execute(tx);
    },

    /** Every event seen of these accounts, by account: the ones recorded before, then these (a version seen twice counts once). */
    async recordAndReadHistory(tx: Tx, events: readonly AccountStatusChanged[], accounts: readonly Account[]): Promise<Map<string, AccountEvent[]>> {
      // One statement: the select sees the table as it was before the insert (one snapshot), so it returns the
      // history recorded before and this batch's events come from memory (read back, they were most of the rows
      // to parse). A version already recorded is not inserted again. Call it under the employees' locks: every
      // event of theirs is recorded under them, so the table then holds every event committed before. One array
      // per column: a few parameters, not ten per row.
      const column = (pick: (event: AccountStatusChanged) => ArrayElement) => pgArray(events.map(pick));
      const { rows } = await sql<{
        company_id: string;
        employee_id: string;
        provider_id: string;
        version: number;
        from_status: AccountStatus;
        to_status: AccountStatus;
        assignee_id: string | null;
        previous_assignee_id: string | null;
        due_at: Date | null;
        at: Date;
      }>`with recorded as (
          insert into account_events (company_id, employee_id, provider_id, version, from_status, to_status, assignee_id,
            previous_assignee_id, due_at, at)
          select * from unnest(
            ${column((e) => e.companyId)}::text[], ${column((e) => e.employeeId)}::text[], ${column((e) => e.providerId)}::uuid[],
            ${column((e) => e.version)}::int[], ${column((e) => e.from)}::text[], ${column((e) => e.to)}::text[],
            ${column((e) => e.assigneeId)}::text[], ${column((e) => e.previousAssigneeId ?? null)}::text[],
            ${column((e) => e.dueAt)}::timestamptz[], ${column((e) => e.at)}::timestamptz[])
          on conflict do nothing)
        select company_id, employee_id, provider_id, version, from_status, to_status, assignee_id, previous_assignee_id, due_at, at
        from account_events
        where (company_id, employee_id, provider_id) in (select * from unnest(
          ${pgArray(accounts.map((a) => a.companyId))}::text[], ${pgArray(accounts.map((a) => a.employeeId))}::text[], ${pgArray(accounts.map((a) => a.providerId))}::uuid[]))`.execute(tx);
      const byAccount = new Map<string, AccountEvent[]>();
      const add = (account: Account, event: AccountEvent) => {
        const key = accountKey(account);
        const list = byAccount.get(key);
        if (list) list.push(event);
        else byAccount.set(key, [event]);
      };
      for (const row of rows) {
        add(
          { companyId: row.company_id, employeeId: row.employee_id, providerId: row.provider_id },
          {
            version: row.version,
            from: row.from_status,
            to: row.to_status,
            assigneeId: row.assignee_id,
            previousAssigneeId: row.previous_assignee_id,
            dueAt: isoOrNull(row.due_at),
            at: iso(row.at),
          },
        );
      }
      // After the recorded ones: where a version was recorded before, the recorded event is the one kept.
      for (const event of events) {
        add(event, {
          version: event.version,
          from: event.from,
          to: event.to,
          assigneeId: event.assigneeId,
          previousAssigneeId: event.previousAssigneeId ?? null,
          dueAt: isoOrNull(event.dueAt),
          at: iso(event.at),
        });
      }
      return byAccount;
    },

    /** These employees' notifications (locked against concurrent reads-and-marks) and items, as plan models. */
    async loadEmployees(tx: Tx, employees: readonly Employee[]): Promise<Map<string, EmployeeModel>> {
      const models = new Map<string, EmployeeModel>(
        employees.map((e) => [employeeKey(e), { companyId: e.companyId, employeeId: e.employeeId, notifications: [], items: [] }]),
      );
      const notifications = await tx
        .selectFrom('notifications')
        .select(['id', 'company_id', 'employee_id', 'assignee_id', 'state', 'read', 'version'])
        .where(sql<boolean>`(company_id, employee_id) in ${employeeTuples(employees)}`)
        .orderBy('created_at')
        .forUpdate()
        .execute();
      for (const row of notifications) {
        models.get(employeeKey({ companyId: row.company_id, employeeId: row.employee_id }))?.notifications.push({
          id: row.id,
          assigneeId: row.assignee_id,
          state: row.state,
          read: row.read,
          version: row.version,
          isNew: false,
          touched: false,
          pendingArrived: false,
          closing: false,
        });
      }
      const items = await tx
        .selectFrom('notification_items')
        .selectAll()
        .where(sql<boolean>`(company_id, employee_id) in ${employeeTuples(employees)}`)
        .orderBy('created_at')
        .orderBy('id')
        .execute();
      for (const row of items) {
        models.get(employeeKey({ companyId: row.company_id, employeeId: row.employee_id }))?.items.push({
          id: row.id,
          notificationId: row.notification_id,
          providerId: row.provider_id,
          action: row.action,
          state: row.state,
          assigneeId: row.assignee_id,
          dueAt: isoOrNull(row.due_at),
          firstVersion: row.first_version,
          lastVersion: row.last_version,
          openedVersion: row.opened_version,
          closedVersion: row.closed_version,
          requestedAt: isoOrNull(row.requested_at),
          closedAt: isoOrNull(row.closed_at),
          since: iso(row.since),
          change: 'none',
          clearOverdue: false,
        });
      }
      return models;
    },

    /**
     * Stores planned changes. Order matters for the partial unique index: notifications that close are
     * updated before new open ones are inserted. A second open notification for a key is refused by the
     * index and the whole batch rolls back.
     */
    async write(
      tx: Tx,
      companyAndEmployee: readonly (Employee & { model: EmployeeModel; changes: NotificationChange[]; traceParent?: string | null })[],
    ): Promise<void> {
      const changes = companyAndEmployee.flatMap((e) => e.changes.map((change) => ({ ...change, employee: e })));
      const items = companyAndEmployee.flatMap((e) => e.model.items.map((item) => ({ item, employee: e })));

      const updated = changes.filter((c) => !c.notification.isNew && !c.remove).map((c) => c.notification);
      if (updated.length > 0) {
        await sql`update notifications n set
            state = v.state, read = v.read, version = v.version, updated_at = now(),
            closed_at = case when v.closing then now() else n.closed_at end
          from unnest(${pgArray(updated.map((n) => n.id))}::uuid[], ${pgArray(updated.map((n) => n.state))}::text[], ${pgArray(updated.map((n) => n.read))}::boolean[],
                      ${pgArray(updated.map((n) => n.version))}::int[], ${pgArray(updated.map((n) => n.closing))}::boolean[]) as v(id, state, read, version, closing)
          where n.id = v.id`.execute(tx);
      }

      const inserted = changes.filter((c) => c.notification.isNew && !c.remove);
      if (inserted.length > 0) {
        const column = (pick: (change: (typeof inserted)[number]) => ArrayElement) => pgArray(inserted.map(pick));
        await sql`insert into notifications (id, company_id, assignee_id, employee_id, state, read, version, closed_at, origin_traceparent)
          select id, company_id, assignee_id, employee_id, state, read, version, case when state = 'done' then now() end, origin_traceparent
          from unnest(
            ${column((c) => c.notification.id)}::uuid[], ${column((c) => c.employee.companyId)}::text[], ${column((c) => c.notification.assigneeId)}::text[],
            ${column((c) => c.employee.employeeId)}::text[], ${column((c) => c.notification.state)}::text[], ${column((c) => c.notification.read)}::boolean[],
            ${column((c) => c.notification.version)}::int[], ${column((c) => c.employee.traceParent ?? null)}::text[]
          ) as v(id, company_id, assignee_id, employee_id, state, read, version, origin_traceparent)`.execute(tx);
      }

      const newItems = items.filter(({ item }) => item.change === 'insert');
      if (newItems.length > 0) {
        const column = (pick: (entry: (typeof newItems)[number]) => ArrayElement) => pgArray(newItems.map(pick));
        await sql`insert into notification_items (id, notification_id, company_id, employee_id, provider_id, assignee_id, action, state,
            due_at, first_version, last_version, opened_version, closed_version, requested_at, closed_at, since)
          select * from unnest(
            ${column(({ item }) => item.id)}::uuid[], ${column(({ item }) => item.notificationId)}::uuid[], ${column(({ employee }) => employee.companyId)}::text[],
            ${column(({ employee }) => employee.employeeId)}::text[], ${column(({ item }) => item.providerId)}::uuid[], ${column(({ item }) => item.assigneeId)}::text[],
            ${column(({ item }) => item.action)}::text[], ${column(({ item }) => item.state)}::text[], ${column(({ item }) => item.dueAt)}::timestamptz[],
            ${column(({ item }) => item.firstVersion)}::int[], ${column(({ item }) => item.lastVersion)}::int[], ${column(({ item }) => item.openedVersion)}::int[],
            ${column(({ item }) => item.closedVersion)}::int[], ${column(({ item }) => item.requestedAt)}::timestamptz[], ${column(({ item }) => item.closedAt)}::timestamptz[],
            ${column(({ item }) => item.since)}::timestamptz[])`.execute(tx);
      }

      const changedItems = items.filter(({ item }) => item.change === 'update').map(({ item }) => item);
      if (changedItems.length > 0) {
        const column = (pick: (item: ItemModel) => ArrayElement) => pgArray(changedItems.map(pick));
        await sql`update notification_items i set
            notification_id = v.notification_id, assignee_id = v.assignee_id, action = v.action, state = v.state,
            due_at = v.due_at, overdue_at = case when v.clear_overdue then null else i.overdue_at end,
            first_version = v.first_version, last_version = v.last_version, opened_version = v.opened_version,
            closed_version = v.closed_version, requested_at = v.requested_at, closed_at = v.closed_at, since = v.since,
            updated_at = now()
          from unnest(
            ${column((i) => i.id)}::uuid[], ${column((i) => i.notificationId)}::uuid[], ${column((i) => i.assigneeId)}::text[],
            ${column((i) => i.action)}::text[], ${column((i) => i.state)}::text[], ${column((i) => i.dueAt)}::timestamptz[],
            ${column((i) => i.clearOverdue)}::boolean[], ${column((i) => i.firstVersion)}::int[], ${column((i) => i.lastVersion)}::int[],
            ${column((i) => i.openedVersion)}::int[], ${column((i) => i.closedVersion)}::int[], ${column((i) => i.requestedAt)}::timestamptz[],
            ${column((i) => i.closedAt)}::timestamptz[], ${column((i) => i.since)}::timestamptz[]
          ) as v(id, notification_id, assignee_id, action, state, due_at, clear_overdue, first_version, last_version,
                 opened_version, closed_version, requested_at, closed_at, since)
          where i.id = v.id`.execute(tx);
      }

      const deletedItems = items.filter(({ item }) => item.change === 'delete').map(({ item }) => item.id);
      if (deletedItems.length > 0) {
        await tx.deleteFrom('notification_items').where('id', 'in', deletedItems).execute();
      }
      const removed = changes.filter((c) => c.remove && !c.notification.isNew).map((c) => c.notification.id);
      if (removed.length > 0) {
        await tx.deleteFrom('notifications').where('id', 'in', removed).execute();
      }
    },

    /** Marks the pending items of these accounts overdue; returns the notifications they are in. */
    async markOverdue(tx: Tx, employee: Employee, action: 'provision' | 'deprovision', providerIds: readonly string[]): Promise<string[]> {
      if (providerIds.length === 0) return [];
      const rows = await tx
        .updateTable('notification_items')
        .set({ overdue_at: sql`now()`, updated_at: sql`now()` })
        .where('company_id', '=', employee.companyId)
        .where('employee_id', '=', employee.employeeId)
        .where('action', '=', action)
        .where('provider_id', 'in', providerIds)
        .where('state', '=', 'pending')
        .where('overdue_at', 'is', null)
        .returning('notification_id')
        .execute();
      return [...new Set(rows.map((row) => row.notification_id))];
    },

    /** One version up for a notification whose items changed in place; its state and counts, to announce. */
    async bump(tx: Tx, companyId: string, id: string) {
      return tx
        .updateTable('notifications')
        .set({ version: sql`version + 1`, updated_at: sql`now()` })
        .where('company_id', '=', companyId)
        .where('id', '=', id)
        .$call(returningAnnouncement)
        .executeTakeFirst();
    },
  };
}
export type StackingRepository = ReturnType<typeof createStackingRepository>;
