import { sql, type Transaction } from 'kysely';
import { pgArray } from '@provisio/db';
import type { NotificationsDb } from '../tables.js';
import type { Employee } from '../stacking/stacking-repository.js';

type Tx = Transaction<NotificationsDb>;

/** A notification, named within its company. */
export interface NotificationOf {
  companyId: string;
  id: string;
}

/** A pending item past its due date and not marked overdue yet. */
export interface DueItem extends Employee {
  id: string;
}

/** The items the overdue sweep looks for: pending, past `due_at`, `overdue_at` still null. */
export function createOverdueRepository() {
  return {
    /**
     * Up to `limit` due items, oldest due first. Across companies on purpose: the sweep serves them all, and
     * everything after this reads and writes by (company, employee). Nothing is locked here: the sweep locks
     * the employees first (as the stacker does) and `markDue` re-checks every condition under that lock.
     */
    async findDue(tx: Tx, limit: number): Promise<DueItem[]> {
      const rows = await tx
        .selectFrom('notification_items')
        .select(['id', 'company_id', 'employee_id'])
        .where('state', '=', 'pending')
        .where('overdue_at', 'is', null)
        .where('due_at', '<=', sql<Date>`now()`)
        .orderBy('due_at')
        .orderBy('id')
        .limit(limit)
        .execute();
      return rows.map((row) => ({ id: row.id, companyId: row.company_id, employeeId: row.employee_id }));
    },

    /**
     * Marks every item of these employees that is still pending, past due and unmarked (another sweeper, or
     * the stacker, may have changed some since `findDue`), each employee within its own company. All of an
     * employee's due items are marked together, so a notification never changes twice for items that fell
     * due at once, even when a batch boundary or another sweeper split them. Returns how many it marked and
     * the notifications they are in.
     */
    async markDue(tx: Tx, employees: readonly Employee[]): Promise<{ marked: number; notifications: NotificationOf[] }> {
      if (employees.length === 0) return { marked: 0, notifications: [] };
      const { rows } = await sql<{ company_id: string; notification_id: string }>`update notification_items
          set overdue_at = now(), updated_at = now()
        where (company_id, employee_id) in (select * from unnest(
                ${pgArray(employees.map((e) => e.companyId))}::text[], ${pgArray(employees.map((e) => e.employeeId))}::text[]))
          and state = 'pending' and overdue_at is null and due_at <= now()
        returning company_id, notification_id`.execute(tx);
      const notifications = new Map(rows.map((row) => [row.notification_id, { companyId: row.company_id, id: row.notification_id }]));
      return { marked: rows.length, notifications: [...notifications.values()] };
    },
  };
}
export type OverdueRepository = ReturnType<typeof createOverdueRepository>;
