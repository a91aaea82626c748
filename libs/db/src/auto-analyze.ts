import { sql } from 'kysely';
import type { Database } from './database.js';

export interface AutoAnalyzeOptions {
  db: Database<unknown>;
  logger: { debug(obj: object, msg: string): void; warn(obj: object, msg: string): void };
  /** How often it looks for tables whose statistics are stale. */
  intervalMs?: number;
}

export interface AutoAnalyze {
  /** Starts looking every `intervalMs`, when this database needs it (see `needed`). */
  start(): Promise<void>;
  /** Stops; waits for an ANALYZE in progress. */
  stop(): Promise<void>;
  /** Analyses the tables whose statistics are stale now; returns their names. */
  analyzeStale(): Promise<string[]>;
  /** Whether it runs here: PGlite (no autovacuum at all) or a server with autovacuum off. */
  needed(): Promise<boolean>;
}

/**
 * Keeps the planner's statistics fresh where nothing else does. Without statistics, PostgreSQL plans a
 * freshly imported roster as a handful of rows: the checklist of 10,000 people took 1 s instead of 40 ms until
 * the tables were analysed. Autovacuum does this on a normal server; PGlite has no autovacuum, and a server may
 * run with it off. Then every `intervalMs` this analyses the tables changed by more than 50 rows + 10% since
 * their last ANALYZE (autovacuum's default rule, from `pg_stat_user_tables`). Several instances may do it at
 * once: ANALYZE is safe to repeat.
 */
export function createAutoAnalyze({ db, logger, intervalMs = 15_000 }: AutoAnalyzeOptions): AutoAnalyze {
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = false;

  async function needed(): Promise<boolean> {
    if (db.kind === 'pglite') return true;
    const { rows } = await sql<{ autovacuum: string }>`show autovacuum`.execute(db.kysely);
    return rows[0]?.autovacuum !== 'on';
  }

  async function analyzeStale(): Promise<string[]> {
    // `format('%I.%I')` quotes the names, so they are safe to put in the statement as they are.
    const { rows } = await sql<{ name: string }>`select format('%I.%I', schemaname, relname) as name from pg_stat_user_tables
      where n_mod_since_analyze > 50 + 0.1 * greatest(n_live_tup, 0) order by 1`.execute(db.kysely);
    for (const { name } of rows) await sql`analyze ${sql.raw(name)}`.execute(db.kysely);
    if (rows.length > 0) logger.debug({ tables: rows.map((row) => row.name) }, 'statistics refreshed');
    return rows.map((row) => row.name);
  }

  function schedule(): void {
    if (stopped) return;
    timer = setTimeout(() => {
      running = analyzeStale()
        .catch((error: unknown) => logger.warn({ err: error }, 'refreshing statistics failed; will try again'))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, intervalMs);
    timer.unref();
  }

  return {
    needed,
    analyzeStale,
    async start() {
      stopped = false;
      if (await needed()) schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
