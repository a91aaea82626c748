import { sql, type Kysely, type Transaction } from 'kysely';
import type { AccountStatus } from '@provisio/contracts';
import { holdingAccessStatuses } from '../accounts/repository.js';
import type { AccountsDb } from '../tables.js';

type Db = Kysely<AccountsDb> | Transaction<AccountsDb>;

/** Keyset of the access list: employee name order, then provider name order. */
export type AccessKey = readonly [lastName: string, firstName: string, employeeId: string, providerName: string, providerId: string];
/** Keyset of the risks: oldest termination first, then the person, then provider name. */
export type RiskKey = readonly [terminationDate: string, employeeId: string, providerName: string, providerId: string];

/** Org-wide read queries: who holds what, counts per provider, and the access of people who left. */
export function createAccessRepository() {
  return {
    async list(
      db: Db,
      companyId: string,
      filter: { providerId?: string | undefined; employeeId?: string | undefined; statuses?: readonly AccountStatus[] | undefined },
      limit: number,
      after?: AccessKey,
    ) {
      let query = db
        .selectFrom('accounts as a')
        .innerJoin('roster_employees as e', (join) => join.onRef('e.company_id', '=', 'a.company_id').onRef('e.id', '=', 'a.employee_id'))
        .innerJoin('providers as p', (join) => join.onRef('p.company_id', '=', 'a.company_id').onRef('p.id', '=', 'a.provider_id'))
        .selectAll('a')
        .select([
          'e.first_name',
          'e.last_name',
          'e.email',
          'e.department',
          'e.job_title',
          'e.status as employee_status',
          'p.name as provider_name',
          'p.logo_url',
          sql<string>`lower(e.last_name)`.as('last_key'),
          sql<string>`lower(e.first_name)`.as('first_key'),
          sql<string>`lower(p.name)`.as('provider_key'),
        ])
        .where('a.company_id', '=', companyId)
        .where('a.status', '<>', 'no_account')
        .where('p.archived', '=', false)
        .orderBy(sql`lower(e.last_name)`)
        .orderBy(sql`lower(e.first_name)`)
        .orderBy('e.id')
        .orderBy(sql`lower(p.name)`)
        .orderBy('p.id')
        .limit(limit + 1);
      if (filter.providerId) query = query.where('a.provider_id', '=', filter.providerId);
      if (filter.employeeId) query = query.where('a.employee_id', '=', filter.employeeId);
      if (filter.statuses && filter.statuses.length > 0) query = query.where('a.status', 'in', filter.statuses);
      if (after) {
        query = query.where(
          sql<boolean>`(lower(e.last_name), lower(e.first_name), e.id, lower(p.name), p.id) > (${after[0]}, ${after[1]}, ${after[2]}, ${after[3]}, ${after[4]}::uuid)`,
        );
      }
      return query.execute();
    },

    /** Providers in use by name, each with its counts by status (kept up to date by every change). */
    async summary(db: Db, companyId: string, filter: { providerIds?: readonly string[] | undefined }, limit: number, after?: readonly [string, string]) {
      let query = db
        .selectFrom('providers as p')
        .select([
          'p.id',
          'p.name',
          'p.logo_url',
          sql<string>`lower(p.name)`.as('name_key'),
          // A counter is the sum of its stripes (migration 003).
          sql<Record<string, number> | null>`(select jsonb_object_agg(s.status, s.count) from (select c.status, sum(c.count)::int as count
            from account_counts c where c.company_id = p.company_id and c.provider_id = p.id group by c.status) s)`.as('counts'),
        ])
        .where('p.company_id', '=', companyId)
        .where('p.archived', '=', false)
        .orderBy(sql`lower(p.name)`)
        .orderBy('p.id')
        .limit(limit + 1);
      if (filter.providerIds && filter.providerIds.length > 0) query = query.where('p.id', 'in', filter.providerIds);
      if (after) query = query.where(sql<boolean>`(lower(p.name), p.id) > (${after[0]}, ${after[1]}::uuid)`);
      return query.execute();
    },

    /** Accounts still `provisioned` or `deprovisioning_requested` of terminated people, oldest termination first. */
    async risks(db: Db, companyId: string, filter: { providerId?: string | undefined }, limit: number, after?: RiskKey) {
      let query = db
        .selectFrom('roster_employees as e')
        .innerJoin('accounts as a', (join) => join.onRef('a.company_id', '=', 'e.company_id').onRef('a.employee_id', '=', 'e.id'))
        .innerJoin('providers as p', (join) => join.onRef('p.company_id', '=', 'a.company_id').onRef('p.id', '=', 'a.provider_id'))
        .selectAll('a')
        .select(['e.first_name', 'e.last_name', 'e.termination_date', 'p.name as provider_name', 'p.logo_url', sql<string>`lower(p.name)`.as('provider_key')])
        .where('e.company_id', '=', companyId)
        .where('e.status', '=', 'terminated')
        .where('a.status', 'in', holdingAccessStatuses)
        .where('p.archived', '=', false)
        .orderBy('e.termination_date')
        .orderBy('e.id')
        .orderBy(sql`lower(p.name)`)
        .orderBy('p.id')
        .limit(limit + 1);
      if (filter.providerId) query = query.where('a.provider_id', '=', filter.providerId);
      if (after) {
        query = query.where(sql<boolean>`(e.termination_date, e.id, lower(p.name), p.id) > (${after[0]}::date, ${after[1]}, ${after[2]}, ${after[3]}::uuid)`);
      }
      return query.execute();
    },
  };
}
export type AccessRepository = ReturnType<typeof createAccessRepository>;
