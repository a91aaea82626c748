import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AccountStatus } from '@provisio/contracts';
import { pgArray } from '@provisio/db';
import type { AccountHistoryTable, AccountsDb, AccountsTable } from '../tables.js';

type Db = Kysely<AccountsDb> | Transaction<AccountsDb>;

/** Rows each (provider, status) counter is spread over (migration 003). */
const COUNT_STRIPES = 16;
export type AccountRow = Selectable<AccountsTable>;
export type NewHistoryRow = Insertable<AccountHistoryTable>;

/** The statuses in which a person holds (or is about to hold) access on a provider. */
export const withAccessStatuses: readonly AccountStatus[] = ['provisioned', 'provisioning_requested', 'deprovisioning_requested'];
/** The statuses that keep a terminated person on a checklist and make them a risk: access not yet removed. */
export const holdingAccessStatuses: readonly AccountStatus[] = ['provisioned', 'deprovisioning_requested'];

export const accountKey = (providerId: string, employeeId: string) => `${providerId}|${employeeId}`;

const compare = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * Applies per-(provider, status) count changes in one statement, to the stripe of this connection (a
 * counter is the sum of its stripes, so concurrent transactions seldom wait on the same row), in key order.
 * A transaction that applies several times should collect its changes and call this once (`ApplyOptions.counts`):
 * two transactions that each write counters in several rounds, on the same stripe, can wait for each other in
 * a circle (PostgreSQL then fails one, and it is applied again).
 */
async function addToCounts(tx: Transaction<AccountsDb>, companyId: string, deltas: ReadonlyMap<string, number>): Promise<void> {
  const entries = [...deltas.entries()].filter(([, delta]) => delta !== 0).sort(([a], [b]) => compare(a, b));
  if (entries.length === 0) return;
  const keys = entries.map(([key]) => key.split('|') as [string, AccountStatus]);
  await sql`insert into account_counts (company_id, provider_id, status, stripe, count)
    select ${companyId}, v.provider_id, v.status, pg_backend_pid() % ${COUNT_STRIPES}, v.delta
    from unnest(${pgArray(keys.map(([providerId]) => providerId))}::uuid[], ${pgArray(keys.map(([, status]) => status))}::text[],
      ${pgArray(entries.map(([, delta]) => delta))}::int[]) as v(provider_id, status, delta)
    on conflict (company_id, provider_id, status, stripe) do update set count = account_counts.count + excluded.count`.execute(tx);
}

export function createAccountRepository() {
  return {
    /** The accounts of the given (provider, employee) pairs that have a row, by `accountKey`. */
    async findMany(db: Db, companyId: string, pairs: readonly { providerId: string; employeeId: string }[]): Promise<Map<string, AccountRow>> {
      if (pairs.length === 0) return new Map();
      const providerIds = pairs.map((pair) => pair.providerId);
      const employeeIds = pairs.map((pair) => pair.employeeId);
      const rows = await db
        .selectFrom('accounts')
        .selectAll()
        .where('company_id', '=', companyId)
        .where(
          sql<boolean>`(provider_id, employee_id) in (select * from unnest(${pgArray(providerIds)}::uuid[], ${pgArray(employeeIds)}::text[]))`,
        )
        .execute();
      return new Map(rows.map((row) => [accountKey(row.provider_id, row.employee_id), row]));
    },

    /** One employee's accounts, optionally only those in `statuses`. */
    async findByEmployee(db: Db, companyId: string, employeeId: string, statuses?: readonly AccountStatus[]): Promise<AccountRow[]> {
      let query = db.selectFrom('accounts').selectAll().where('company_id', '=', companyId).where('employee_id', '=', employeeId);
      if (statuses) query = query.where('status', 'in', statuses);
      return query.execute();
    },

    /** `findByEmployee` of several people in one query, by employee id (someone without accounts is absent). */
    async findByEmployees(db: Db, companyId: string, employeeIds: readonly string[], statuses: readonly AccountStatus[]): Promise<Map<string, AccountRow[]>> {
      const byEmployee = new Map<string, AccountRow[]>();
      if (employeeIds.length === 0) return byEmployee;
      const rows = await db
        .selectFrom('accounts')
        .selectAll()
        .where('company_id', '=', companyId)
        .where('employee_id', 'in', [...new Set(employeeIds)])
        .where('status', 'in', statuses)
        .execute();
      for (const row of rows) {
        const list = byEmployee.get(row.employee_id);
        if (list) list.push(row);
        else byEmployee.set(row.employee_id, [row]);
      }
      return byEmployee;
    },

    /** Open requests waiting for this assignee. */
    async findOpenRequestsAssignedTo(db: Db, companyId: string, assigneeId: string): Promise<AccountRow[]> {
      return db
        .selectFrom('accounts')
        .selectAll()
        .where('company_id', '=', companyId)
        .where('assignee_id', '=', assigneeId)
        .where('status', 'in', ['provisioning_requested', 'deprovisioning_requested'])
        .execute();
    },

    /** Requests a workflow run opened that are still open. */
    async findOpenRequestsOfRun(db: Db, companyId: string, runId: string): Promise<AccountRow[]> {
      return db
        .selectFrom('accounts')
        .selectAll()
        .where('company_id', '=', companyId)
        .where('workflow_run_id', '=', runId)
        .where('status', 'in', ['provisioning_requested', 'deprovisioning_requested'])
        .execute();
    },

    /**
     * Writes the final state of many accounts in two statements: an update of those that had a row, each
     * only if it is still at `expectedVersion`, and an insert of those that had none, each only if nobody
     * created it meanwhile. Returns the rows written, by `accountKey`; a missing key lost a race.
     */
    async writeAll(
      tx: Transaction<AccountsDb>,
      companyId: string,
      finals: readonly { row: AccountRow; expectedVersion: number | undefined }[],
    ): Promise<Map<string, AccountRow>> {
      const sorted = [...finals].sort((a, b) => compare(accountKey(a.row.provider_id, a.row.employee_id), accountKey(b.row.provider_id, b.row.employee_id)));
      const columns = (entries: typeof sorted) => {
        const rows = entries.map((entry) => entry.row);
        const iso = (value: Date | null) => (value === null ? null : new Date(value).toISOString());
        return sql`unnest(
          ${pgArray(rows.map((row) => row.provider_id))}::uuid[], ${pgArray(rows.map((row) => row.employee_id))}::text[],
          ${pgArray(rows.map((row) => row.status))}::text[], ${pgArray(rows.map((row) => row.requested_from))}::text[],
          ${pgArray(rows.map((row) => row.assignee_id))}::text[], ${pgArray(rows.map((row) => iso(row.requested_at)))}::timestamptz[],
          ${pgArray(rows.map((row) => iso(row.due_at)))}::timestamptz[], ${pgArray(rows.map((row) => row.note))}::text[],
          ${pgArray(rows.map((row) => row.workflow_run_id))}::uuid[], ${pgArray(rows.map((row) => row.workflow_task_id))}::uuid[],
          ${pgArray(rows.map((row) => iso(row.updated_at)))}::timestamptz[], ${pgArray(rows.map((row) => row.version))}::int[],
          ${pgArray(entries.map((entry) => entry.expectedVersion ?? 0))}::int[]
        ) as v(provider_id, employee_id, status, requested_from, assignee_id, requested_at, due_at, note,
          workflow_run_id, workflow_task_id, updated_at, version, expected)`;
      };
      const written = new Map<string, AccountRow>();
      const updates = sorted.filter((entry) => entry.expectedVersion !== undefined);
      const inserts = sorted.filter((entry) => entry.expectedVersion === undefined);
      if (updates.length > 0) {
        const { rows } = await sql<AccountRow>`update accounts as a set status = v.status, requested_from = v.requested_from,
            assignee_id = v.assignee_id, requested_at = v.requested_at, due_at = v.due_at, note = v.note,
            workflow_run_id = v.workflow_run_id, workflow_task_id = v.workflow_task_id, updated_at = v.updated_at, version = v.version
          from ${columns(updates)}
          where a.company_id = ${companyId} and a.provider_id = v.provider_id and a.employee_id = v.employee_id and a.version = v.expected
          returning a.*`.execute(tx);
        for (const row of rows) written.set(accountKey(row.provider_id, row.employee_id), row);
      }
      if (inserts.length > 0) {
        const { rows } = await sql<AccountRow>`insert into accounts (company_id, provider_id, employee_id, status, requested_from,
            assignee_id, requested_at, due_at, note, workflow_run_id, workflow_task_id, created_at, updated_at, version)
          select ${companyId}, v.provider_id, v.employee_id, v.status, v.requested_from, v.assignee_id, v.requested_at, v.due_at,
            v.note, v.workflow_run_id, v.workflow_task_id, v.updated_at, v.updated_at, v.version
          from ${columns(inserts)}
          on conflict (company_id, provider_id, employee_id) do nothing
          returning *`.execute(tx);
        for (const row of rows) written.set(accountKey(row.provider_id, row.employee_id), row);
      }
      return written;
    },

    async insertHistory(tx: Transaction<AccountsDb>, rows: readonly NewHistoryRow[]): Promise<void> {
      // Chunks keep each statement under PostgreSQL's 65,535 bind parameters.
      for (let start = 0; start < rows.length; start += 1_000) {
        await tx.insertInto('account_history').values(rows.slice(start, start + 1_000)).execute();
      }
    },

    addToCounts,

    /** `addToCounts` for several companies, in company order: every transaction takes counter rows in one order. */
    async addToCountsOfCompanies(tx: Transaction<AccountsDb>, byCompany: ReadonlyMap<string, ReadonlyMap<string, number>>): Promise<void> {
      for (const [companyId, deltas] of [...byCompany].sort(([a], [b]) => compare(a, b))) await addToCounts(tx, companyId, deltas);
    },

    /** Recomputes the counters of a company from its accounts (after a bulk load straight into the table). */
    async recount(db: Db, companyId: string): Promise<void> {
      await sql`delete from account_counts where company_id = ${companyId}`.execute(db);
      await sql`insert into account_counts (company_id, provider_id, status, count)
        select company_id, provider_id, status, count(*) from accounts
        where company_id = ${companyId} and status <> 'no_account'
        group by company_id, provider_id, status`.execute(db);
    },
  };
}
export type AccountRepository = ReturnType<typeof createAccountRepository>;
