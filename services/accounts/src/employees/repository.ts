import { sql, type Kysely, type Transaction } from 'kysely';
import { toRosterEmployee, type RosterEmployee } from '@provisio/roster';
import type { AccountsDb } from '../tables.js';

type Db = Kysely<AccountsDb> | Transaction<AccountsDb>;

/** Keyset position in the roster's name order: (lower(lastName), lower(firstName), id). */
export type NameKey = readonly [lastName: string, firstName: string, id: string];

export interface EmployeeFilter {
  q?: string | undefined;
  status?: 'active' | 'terminated' | undefined;
  department?: string | undefined;
  accessLevel?: 'admin' | 'manager' | 'employee' | undefined;
  /** Only the direct reports of this manager. */
  managerId?: string | undefined;
}

/** The roster projection, read side: what the HR events say about each person. */
export function createEmployeeRepository() {
  return {
    async find(db: Db, companyId: string, id: string): Promise<RosterEmployee | undefined> {
      const row = await db.selectFrom('roster_employees').selectAll().where('company_id', '=', companyId).where('id', '=', id).executeTakeFirst();
      return row ? toRosterEmployee(row) : undefined;
    },

    async findMany(db: Db, companyId: string, ids: readonly string[]): Promise<Map<string, RosterEmployee>> {
      if (ids.length === 0) return new Map();
      const rows = await db
        .selectFrom('roster_employees')
        .selectAll()
        .where('company_id', '=', companyId)
        .where('id', 'in', [...new Set(ids)])
        .execute();
      return new Map(rows.map((row) => [row.id, toRosterEmployee(row)]));
    },

    /** One page in name order, after `after`; fetches `limit + 1` rows so the caller knows whether more follow. */
    async list(db: Db, companyId: string, filter: EmployeeFilter, limit: number, after?: NameKey): Promise<{ employee: RosterEmployee; key: NameKey }[]> {
      let query = db
        .selectFrom('roster_employees')
        .selectAll()
        .select([sql<string>`lower(last_name)`.as('last_key'), sql<string>`lower(first_name)`.as('first_key')])
        .where('company_id', '=', companyId)
        .orderBy(sql`lower(last_name)`)
        .orderBy(sql`lower(first_name)`)
        .orderBy('id')
        .limit(limit + 1);
      if (filter.status) query = query.where('status', '=', filter.status);
      if (filter.department) query = query.where('department', '=', filter.department);
      if (filter.accessLevel) query = query.where('access_level', '=', filter.accessLevel);
      if (filter.managerId) query = query.where('manager_id', '=', filter.managerId);
      if (filter.q) query = query.where(matchesNameOrEmail(filter.q));
      if (after) query = query.where(sql<boolean>`(lower(last_name), lower(first_name), id) > (${after[0]}, ${after[1]}, ${after[2]})`);
      const rows = await query.execute();
      return rows.map(({ last_key, first_key, ...row }) => ({ employee: toRosterEmployee(row), key: [last_key, first_key, row.id] as const }));
    },
  };
}
export type EmployeeRepository = ReturnType<typeof createEmployeeRepository>;

/**
 * `q` anywhere in "first last email", case-insensitively and literally (its `%` and `_` are escaped). The
 * expression is the one the trigram index of migration 002 covers, so the search uses it where pg_trgm exists.
 */
export function matchesNameOrEmail(q: string, alias = 'roster_employees') {
  const column = (name: string) => sql.ref(`${alias}.${name}`);
  const pattern = `%${q.trim().replace(/[\\%_]/g, '\\$&')}%`;
  return sql<boolean>`lower(${column('first_name')} || ' ' || ${column('last_name')} || ' ' || ${column('email')}) like lower(${pattern})`;
}

