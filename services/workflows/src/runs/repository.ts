import { sql, type Insertable, type Kysely, type Selectable, type Transaction } from 'kysely';
import type {
  AccountFactsTable,
  RunStatus,
  WorkflowRunsTable,
  WorkflowsDb,
  WorkflowTaskItemsTable,
  WorkflowTasksTable,
} from '../tables.js';
import type { AccountFacts } from './item-state.js';

type Db = Kysely<WorkflowsDb> | Transaction<WorkflowsDb>;
export type RunRow = Selectable<WorkflowRunsTable>;
export type TaskRow = Selectable<WorkflowTasksTable>;
export type ItemRow = Selectable<WorkflowTaskItemsTable>;
type FactsRow = Selectable<AccountFactsTable>;

/** Who may see which runs: everything, the runs of one's direct reports and one's own, or one's own. */
export type RunVisibility = { scope: 'company' } | { scope: 'reports_and_self'; employeeId: string } | { scope: 'self'; employeeId: string };

function toFacts(row: FactsRow): AccountFacts {
  return {
    status: row.status,
    version: row.version,
    provisionedVersion: row.provisioned_version,
    deprovisionedVersion: row.deprovisioned_version,
    provisionRequestEndedVersion: row.provision_request_ended_version,
    deprovisionRequestEndedVersion: row.deprovision_request_ended_version,
  };
}

export const accountKey = (providerId: string, employeeId: string) => `${providerId}|${employeeId}`;

export function createRunRepository() {
  return {
    /** Inserts the run unless this workflow already ran for this trigger event and employee. */
    async insertRun(tx: Transaction<WorkflowsDb>, row: Insertable<WorkflowRunsTable>): Promise<RunRow | undefined> {
      return tx
        .insertInto('workflow_runs')
        .values(row)
        .onConflict((oc) => oc.columns(['company_id', 'workflow_id', 'trigger_key', 'employee_id']).doNothing())
        .returningAll()
        .executeTakeFirst();
    },

    async insertTask(tx: Transaction<WorkflowsDb>, row: Insertable<WorkflowTasksTable>): Promise<TaskRow> {
      return tx.insertInto('workflow_tasks').values(row).returningAll().executeTakeFirstOrThrow();
    },

    async insertItems(tx: Transaction<WorkflowsDb>, rows: Insertable<WorkflowTaskItemsTable>[]): Promise<void> {
      if (rows.length > 0) await tx.insertInto('workflow_task_items').values(rows).onConflict((oc) => oc.doNothing()).execute();
    },

    async findRun(db: Db, companyId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<RunRow | undefined> {
      let query = db.selectFrom('workflow_runs').selectAll().where('company_id', '=', companyId).where('id', '=', id);
      if (options.forUpdate) query = query.forUpdate();
      return query.executeTakeFirst();
    },

    async tasksOf(db: Db, runIds: string[]): Promise<TaskRow[]> {
      if (runIds.length === 0) return [];
      return db.selectFrom('workflow_tasks').selectAll().where('run_id', 'in', runIds).orderBy('run_id').orderBy('position').execute();
    },

    async itemsOf(db: Db, taskIds: string[]): Promise<ItemRow[]> {
      if (taskIds.length === 0) return [];
      return db.selectFrom('workflow_task_items').selectAll().where('task_id', 'in', taskIds).orderBy('task_id').orderBy('provider_id').execute();
    },

    async findTask(db: Db, companyId: string, runId: string, taskId: string): Promise<TaskRow | undefined> {
      return db.selectFrom('workflow_tasks').selectAll().where('company_id', '=', companyId).where('run_id', '=', runId).where('id', '=', taskId).executeTakeFirst();
    },

    /** Folds facts into the account's row: every column only grows, so order and repeats do not matter. */
    async foldAccountFacts(tx: Transaction<WorkflowsDb>, companyId: string, providerId: string, employeeId: string, facts: AccountFacts): Promise<void> {
      await tx
        .insertInto('account_facts')
        .values({
          company_id: companyId,
          provider_id: providerId,
          employee_id: employeeId,
          status: facts.status,
          version: facts.version,
          provisioned_version: facts.provisionedVersion,
          deprovisioned_version: facts.deprovisionedVersion,
          provision_request_ended_version: facts.provisionRequestEndedVersion,
          deprovision_request_ended_version: facts.deprovisionRequestEndedVersion,
        })
        .onConflict((oc) =>
          oc.columns(['company_id', 'provider_id', 'employee_id']).doUpdateSet({
            status: sql`case when excluded.version > account_facts.version then excluded.status else account_facts.status end`,
            version: sql`greatest(account_facts.version, excluded.version)`,
            provisioned_version: sql`greatest(account_facts.provisioned_version, excluded.provisioned_version)`,
            deprovisioned_version: sql`greatest(account_facts.deprovisioned_version, excluded.deprovisioned_version)`,
            provision_request_ended_version: sql`greatest(account_facts.provision_request_ended_version, excluded.provision_request_ended_version)`,
            deprovision_request_ended_version: sql`greatest(account_facts.deprovision_request_ended_version, excluded.deprovision_request_ended_version)`,
            updated_at: sql`now()`,
          }),
        )
        .execute();
    },

    /** Facts of the accounts of one employee on the given providers, keyed by accountKey. */
    async accountFacts(db: Db, companyId: string, accounts: { providerId: string; employeeId: string }[]): Promise<Map<string, AccountFacts>> {
      if (accounts.length === 0) return new Map();
      const rows = await db
        .selectFrom('account_facts')
        .selectAll()
        .where('company_id', '=', companyId)
        .where((eb) => eb.or(accounts.map((a) => eb.and([eb('provider_id', '=', a.providerId), eb('employee_id', '=', a.employeeId)]))))
        .execute();
      return new Map(rows.map((row) => [accountKey(row.provider_id, row.employee_id), toFacts(row)]));
    },

    /** Running runs with an item on this account, in id order (the order their locks are taken in). */
    async runningRunsWithAccount(db: Db, companyId: string, providerId: string, employeeId: string): Promise<string[]> {
      const rows = await db
        .selectFrom('workflow_task_items as i')
        .innerJoin('workflow_runs as r', 'r.id', 'i.run_id')
        .select('r.id')
        .distinct()
        .where('i.company_id', '=', companyId)
        .where('i.provider_id', '=', providerId)
        .where('i.employee_id', '=', employeeId)
        .where('r.status', '=', 'running')
        .orderBy('r.id')
        .execute();
      return rows.map((row) => row.id);
    },

    async updateItem(tx: Transaction<WorkflowsDb>, taskId: string, providerId: string, changes: Partial<Pick<ItemRow, 'state' | 'answer_state' | 'answer_version'>>): Promise<void> {
      await tx.updateTable('workflow_task_items').set({ ...changes, updated_at: sql`now()` }).where('task_id', '=', taskId).where('provider_id', '=', providerId).execute();
    },

    async markTaskAnswered(tx: Transaction<WorkflowsDb>, taskId: string): Promise<void> {
      await tx.updateTable('workflow_tasks').set({ answered_at: sql`coalesce(answered_at, now())` }).where('id', '=', taskId).execute();
    },

    async completeTask(tx: Transaction<WorkflowsDb>, taskId: string): Promise<void> {
      await tx.updateTable('workflow_tasks').set({ status: 'completed', completed_at: sql`now()` }).where('id', '=', taskId).where('status', '<>', 'completed').execute();
    },

    /** Completes or cancels a run; cancelling also cancels its tasks not completed yet. */
    async setRunStatus(tx: Transaction<WorkflowsDb>, runId: string, status: Exclude<RunStatus, 'running'>, actorId?: string): Promise<RunRow> {
      const run = await tx
        .updateTable('workflow_runs')
        .set(status === 'completed' ? { status, completed_at: sql`now()` } : { status, cancelled_at: sql`now()`, cancelled_by: actorId ?? null })
        .where('id', '=', runId)
        .returningAll()
        .executeTakeFirstOrThrow();
      if (status === 'cancelled') {
        await tx.updateTable('workflow_tasks').set({ status: 'cancelled' }).where('run_id', '=', runId).where('status', 'in', ['open', 'overdue']).execute();
      }
      return run;
    },

    /** A page of runs, newest first, that the caller may see. */
    async list(
      db: Db,
      companyId: string,
      visibility: RunVisibility,
      filters: { employeeId?: string | undefined; status?: RunStatus | undefined; workflowId?: string | undefined; limit: number; after?: [string, string] | undefined },
    ): Promise<{ rows: (RunRow & { started_at_key: string })[]; hasMore: boolean }> {
      let query = db
        .selectFrom('workflow_runs')
        .selectAll()
        // The cursor keeps the microseconds: runs started by one event share `now()` to the microsecond.
        .select(sql<string>`started_at::text`.as('started_at_key'))
        .where('company_id', '=', companyId)
        .orderBy('started_at', 'desc')
        .orderBy('id', 'desc')
        .limit(filters.limit + 1);
      if (visibility.scope === 'self') query = query.where('employee_id', '=', visibility.employeeId);
      if (visibility.scope === 'reports_and_self') {
        const { employeeId } = visibility;
        query = query.where((eb) =>
          eb.or([
            eb('employee_id', '=', employeeId),
            eb(
              'employee_id',
              'in',
              eb.selectFrom('roster_employees').select('id').where('company_id', '=', companyId).where('manager_id', '=', employeeId),
            ),
          ]),
        );
      }
      if (filters.employeeId) query = query.where('employee_id', '=', filters.employeeId);
      if (filters.status) query = query.where('status', '=', filters.status);
      if (filters.workflowId) query = query.where('workflow_id', '=', filters.workflowId);
      if (filters.after) {
        const [startedAt, id] = filters.after;
        query = query.where(sql<boolean>`(started_at, id) < (${startedAt}::timestamptz, ${id}::uuid)`);
      }
      const rows = await query.execute();
      return { rows: rows.slice(0, filters.limit), hasMore: rows.length > filters.limit };
    },

    /**
     * Marks up to `limit` open tasks of running runs that are past due as overdue, and returns them. Rows
     * another sweeper holds are skipped, and the `status = 'open'` condition is re-checked on the locked
     * row, so with any number of sweepers a task is marked (and announced) once.
     */
    async markOverdue(tx: Transaction<WorkflowsDb>, limit: number): Promise<(TaskRow & { employee_id: string })[]> {
      const { rows } = await sql<TaskRow & { employee_id: string }>`
        with due as (
          select t.id from workflow_tasks t
          join workflow_runs r on r.id = t.run_id
          where t.status = 'open' and t.due_at is not null and t.due_at <= now() and r.status = 'running'
          order by t.due_at
          limit ${limit}
          for update of t skip locked
        )
        update workflow_tasks t set status = 'overdue', overdue_at = now()
        from due, workflow_runs r
        where t.id = due.id and r.id = t.run_id and t.status = 'open' and r.status = 'running'
        returning t.*, r.employee_id`.execute(tx);
      return rows;
    },

    async pendingProviders(db: Db, taskId: string): Promise<string[]> {
      const rows = await db.selectFrom('workflow_task_items').select('provider_id').where('task_id', '=', taskId).where('state', '=', 'pending').orderBy('provider_id').execute();
      return rows.map((row) => row.provider_id);
    },
  };
}
export type RunRepository = ReturnType<typeof createRunRepository>;
