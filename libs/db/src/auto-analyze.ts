import { sql } from 'kysely';
import type { Database } from './database.js';

/*
 * Planner statistics where nothing else keeps them fresh. Without statistics, PostgreSQL plans a freshly
 * imported roster as a handful of rows: the checklist of 10,000 people took 1 s instead of 40 ms until the
 * tables were analysed. Autovacuum does this on a normal server; PGlite has no autovacuum, and a server may run
 * with it off. The service runtime then calls `analyzeStaleTables` periodically. ANALYZE is safe to repeat, so
 * several instances may do it at once.
 */

/** Whether this database needs `analyzeStaleTables`: PGlite, or a server with autovacuum off. */
export async function statisticsNeedRefreshing(db: Database<unknown>): Promise<boolean> {
  if (db.kind === 'pglite') return true;
  const { rows } = await sql<{ autovacuum: string }>`show autovacuum`.execute(db.kysely);
  return rows[0]?.autovacuum !== 'on';
}

/**
 * Analyses the tables changed by more than 50 rows + 10% since their last ANALYZE (autovacuum's default rule,
 * from `pg_stat_user_tables`); returns their names.
 */
export async function analyzeStaleTables(db: Database<unknown>): Promise<string[]> {
  // `format('%I.%I')` quotes the names, so they are safe to put in the statement as they are.
  const { rows } = await sql<{ name: string }>`select format('%I.%I', schemaname, relname) as name from pg_stat_user_tables
    where n_mod_since_analyze > 50 + 0.1 * greatest(n_live_tup, 0) order by 1`.execute(db.kysely);
  for (const { name } of rows) await sql`analyze ${sql.raw(name)}`.execute(db.kysely);
  return rows.map((row) => row.name);
}
