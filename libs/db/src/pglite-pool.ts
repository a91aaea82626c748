import type { PGlite } from '@electric-sql/pglite';
import type { PostgresPool, PostgresPoolClient, PostgresQueryResult } from 'kysely';

/**
 * PGlite is a single connection. This adapter gives Kysely the `pg.Pool` shape it expects and hands the
 * one connection to one caller at a time, so a transaction (BEGIN … COMMIT) is never interleaved with
 * another caller's statements.
 */
export function createPgliteSession(pglite: PGlite) {
  let tail: Promise<void> = Promise.resolve();

  function acquire(): Promise<() => void> {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    const ready = tail.then(() => release);
    tail = tail.then(() => released);
    return ready;
  }

  async function query<R>(sql: string, parameters: ReadonlyArray<unknown>): Promise<PostgresQueryResult<R>> {
    // A statement without parameters may be a script (a migration file): the simple protocol runs it whole.
    const result =
      parameters.length === 0
        ? ((await pglite.exec(sql)).at(-1) ?? { rows: [], affectedRows: 0 })
        : await pglite.query<R>(sql, [...parameters]);
    const command = sql.trimStart().split(/\s/, 1)[0]!.toUpperCase() as PostgresQueryResult<R>['command'];
    return { command, rowCount: result.affectedRows ?? result.rows.length, rows: result.rows as R[] };
  }

  const pool: PostgresPool = {
    async connect(): Promise<PostgresPoolClient> {
      const release = await acquire();
      return { query: query as PostgresPoolClient['query'], release: () => release() };
    },
    async end() {
      await pglite.close();
    },
  };
  return { pool, acquire, query };
}
