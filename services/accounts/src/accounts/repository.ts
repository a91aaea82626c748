import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { AccountStatus } from '@provisio/contracts';
import type { AccountHistoryTable, AccountsDb, AccountsTable } from '../tables.js';

type Db = Kysely<AccountsDb> | Transaction<AccountsDb>;
export type AccountRow = Selectable<AccountsTable>;
export type NewHistoryRow = Insertable<AccountHistoryTable>;

/** The statuses in which a person holds (or is about to hold) access on a provider. */
export const withAccessStatuses: readonly AccountStatus[] = ['provisioned', 'provisioning_requested', 'deprovisioning_requested'];
/** The statuses that keep a terminated person on a checklist and make them a risk: access not yet removed. */
export const holdingAccessStatuses: readonly AccountStatus[] = ['provisioned', 'deprovisioning_requested'];

export const accountKey = (providerId: string, employeeId: string) => `${providerId}|${employeeId}`;

export function createAccountRepository() {
  return {
    async find(db: Db, companyId: string, providerId: string, employeeId: string): Promise<AccountRow | undefined> {
      return db
        .selectFrom('accounts')
        .selectAll()
        .where('company_id', '=', companyId)
        .where('provider_id', '=', providerId)
        .where('employee_id', '=', employeeId)
        .executeTakeFirst();
    },

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
          sql<boolean>`(provider_id, employee_id) in (select * from unnest(${providerIds}::uuid[], ${employeeIds}::text[]))`,
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

    /** Creates the row of an account that had none; undefined when another transaction created it first. */
    async insert(tx: Transaction<AccountsDb>, row: AccountRow): Promise<AccountRow | undefined> {
      return tx
        .insertInto('accounts')
        .values(row)
        .onConflict((oc) => oc.columns(['company_id', 'provider_id', 'employee_id']).doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    /** Writes `row` if the account is still at `expectedVersion`; undefined when it changed meanwhile. */
    async update(tx: Transaction<AccountsDb>, row: AccountRow, expectedVersion: number): Promise<AccountRow | undefined> {
      const { company_id, provider_id, employee_id, created_at: _created, ...changes } = row;
      return tx
        .updateTable('accounts')
        .set(changes)
        .where('company_id', '=', company_id)
        .where('provider_id', '=', provider_id)
        .where('employee_id', '=', employee_id)
        .where('version', '=', expectedVersion)
        .returningAll()
        .executeTakeFirst();
    },

    async insertHistory(tx: Transaction<AccountsDb>, rows: readonly NewHistoryRow[]): Promise<void> {
      // Chunks keep each statement under PostgreSQL's 65,535 bind parameters.
      for (let start = 0; start < rows.length; start += 1_000) {
        await tx.insertInto('account_history').values(rows.slice(start, start + 1_000)).execute();
      }
    },

    /**
     * Applies per-(provider, status) count changes. Keys are written in sorted order, so two transactions
     * never wait for each other's counters in a cycle.
     */
    async addToCounts(tx: Transaction<AccountsDb>, companyId: string, deltas: ReadonlyMap<string, number>): Promise<void> {
      const entries = [...deltas.entries()].filter(([, delta]) => delta !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
      for (const [key, delta] of entries) {
        const [providerId, status] = key.split('|') as [string, AccountStatus];
        await tx
          .insertInto('account_counts')
          .values({ company_id: companyId, provider_id: providerId, status, count: delta })
          .onConflict((oc) =>
            oc.columns(['company_id', 'provider_id', 'status']).doUpdateSet({ count: sql`account_counts.count + ${delta}` }),
          )
          .execute();
      }
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
