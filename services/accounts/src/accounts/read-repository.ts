import { sql, type Kysely, type Transaction } from 'kysely';
import type { AccountStatus } from '@provisio/contracts';
import { matchesNameOrEmail, type NameKey } from '../employees/repository.js';
import type { AccountsDb } from '../tables.js';
import { holdingAccessStatuses } from './repository.js';

type Db = Kysely<AccountsDb> | Transaction<AccountsDb>;

export interface ChecklistFilter {
  statuses?: readonly AccountStatus[] | undefined;
  q?: string | undefined;
  department?: string | undefined;
}

const accountColumns = [
  'a.status',
  'a.assignee_id',
  'a.requested_at',
  'a.due_at',
  'a.updated_at',
  'a.version',
  'a.note',
  'a.workflow_run_id',
  'a.workflow_task_id',
] as const;

/** `status` of a left-joined account (null = `no_account`) is one of `statuses`. */
function statusIn(statuses: readonly AccountStatus[]) {
  const stored = statuses.filter((status) => status !== 'no_account');
  const withoutRow = statuses.includes('no_account');
  if (stored.length === 0) return sql<boolean>`(a.status is null or a.status = 'no_account')`;
  const list = sql.join(stored.map((status) => sql`${status}`));
  return withoutRow
    ? sql<boolean>`(a.status is null or a.status = 'no_account' or a.status in (${list}))`
    : sql<boolean>`a.status in (${list})`;
}

/** Read queries of the account views: the provider checklist, an employee's accounts and their history. */
export function createAccountReadRepository() {
  return {
    /**
     * One page of a provider's checklist in name order: every active member, plus terminated members who
     * still hold access, each with their account (null columns = `no_account`).
     *
     * The page is chosen first from the narrow columns (the account's status only, which an index holds),
     * then its 51 accounts are read in full: with every account column in the first step the planner
     * prices the indexes that answer a filter too high and walks the whole roster instead.
     */
    async checklist(db: Db, companyId: string, providerId: string, filter: ChecklistFilter, limit: number, after?: NameKey) {
      let page = db
        .selectFrom('roster_employees as e')
        .leftJoin('accounts as a', (join) =>
          join.onRef('a.company_id', '=', 'e.company_id').on('a.provider_id', '=', providerId).onRef('a.employee_id', '=', 'e.id'),
        )
        .select([
          'e.id',
          'e.first_name',
          'e.last_name',
          'e.email',
          'e.department',
          'e.job_title',
          'e.status as employee_status',
          sql<string>`lower(e.last_name)`.as('last_key'),
          sql<string>`lower(e.first_name)`.as('first_key'),
        ])
        .where('e.company_id', '=', companyId)
        .where((eb) => eb.or([eb('e.status', '=', 'active'), eb('a.status', 'in', holdingAccessStatuses)]))
        .orderBy(sql`lower(e.last_name)`)
        .orderBy(sql`lower(e.first_name)`)
        .orderBy('e.id')
        .limit(limit + 1);
      if (filter.statuses && filter.statuses.length > 0) page = page.where(statusIn(filter.statuses));
      if (filter.department) page = page.where('e.department', '=', filter.department);
      if (filter.q) page = page.where(matchesNameOrEmail(filter.q, 'e'));
      if (after) {
        page = page.where(sql<boolean>`(lower(e.last_name), lower(e.first_name), e.id) > (${after[0]}, ${after[1]}, ${after[2]})`);
      }
      return db
        .selectFrom(page.as('p'))
        .leftJoin('accounts as a', (join) =>
          join.on('a.company_id', '=', companyId).on('a.provider_id', '=', providerId).onRef('a.employee_id', '=', 'p.id'),
        )
        .selectAll('p')
        .select(accountColumns)
        .orderBy('p.last_key')
        .orderBy('p.first_key')
        .orderBy('p.id')
        .execute();
    },

    /** One page of an employee's accounts: one row per provider in use, in provider name order. */
    async employeeAccounts(
      db: Db,
      companyId: string,
      employeeId: string,
      filter: { statuses?: readonly AccountStatus[] | undefined },
      limit: number,
      after?: readonly [name: string, id: string],
    ) {
      let query = db
        .selectFrom('providers as p')
        .leftJoin('accounts as a', (join) =>
          join.onRef('a.company_id', '=', 'p.company_id').onRef('a.provider_id', '=', 'p.id').on('a.employee_id', '=', employeeId),
        )
        .select(['p.id as provider_id', 'p.name', 'p.logo_url', sql<string>`lower(p.name)`.as('name_key'), ...accountColumns])
        .where('p.company_id', '=', companyId)
        .where('p.archived', '=', false)
        .orderBy(sql`lower(p.name)`)
        .orderBy('p.id')
        .limit(limit + 1);
      if (filter.statuses && filter.statuses.length > 0) query = query.where(statusIn(filter.statuses));
      if (after) query = query.where(sql<boolean>`(lower(p.name), p.id) > (${after[0]}, ${after[1]}::uuid)`);
      return query.execute();
    },

    /** One page of an employee's status changes, newest first. */
    async history(db: Db, companyId: string, employeeId: string, limit: number, beforeId?: number) {
      let query = db
        .selectFrom('account_history as h')
        .leftJoin('providers as p', (join) => join.onRef('p.company_id', '=', 'h.company_id').onRef('p.id', '=', 'h.provider_id'))
        .selectAll('h')
        .select(['p.name as provider_name'])
        .where('h.company_id', '=', companyId)
        .where('h.employee_id', '=', employeeId)
        .orderBy('h.id', 'desc')
        .limit(limit + 1);
      if (beforeId !== undefined) query = query.where('h.id', '<', beforeId);
      return query.execute();
    },
  };
}
export type AccountReadRepository = ReturnType<typeof createAccountReadRepository>;
