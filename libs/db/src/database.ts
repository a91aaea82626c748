import { mkdir } from 'node:fs/promises';
import { PGlite } from '@electric-sql/pglite';
import { Kysely, PostgresDialect, sql, type Transaction } from 'kysely';
import pg from 'pg';
import { createPgliteSession } from './pglite-pool.js';
import { runMigrations, type MigrationSet } from './migrations.js';

const DATE_OID = 1082;
const INT8_OID = 20;

// Dates stay 'YYYY-MM-DD' strings (no time zone shift), and counts come back as numbers on both drivers.
pg.types.setTypeParser(DATE_OID, (value: string) => value);
pg.types.setTypeParser(INT8_OID, (value: string) => Number(value));

export type Tx<DB> = Transaction<DB>;

export interface Database<DB> {
  readonly kysely: Kysely<DB>;
  readonly kind: 'postgres' | 'pglite';
  /** Runs `fn` in one transaction; it commits when `fn` resolves and rolls back when it throws. */
  transaction<R>(fn: (tx: Transaction<DB>) => Promise<R>): Promise<R>;
  /** Calls `onNotify` for each NOTIFY on `channel` until the returned function is called. */
  listen(channel: string, onNotify: (payload: string) => void): Promise<() => Promise<void>>;
  migrate(sets: MigrationSet[]): Promise<string[]>;
  /** Resolves when the database answers a trivial query. */
  ping(): Promise<void>;
  close(): Promise<void>;
}

export interface DatabaseOptions {
  /** A PostgreSQL URL. When absent the database is an embedded PGlite under `dataDir`. */
  url?: string | undefined;
  /** Where PGlite keeps its files; `memory://` keeps nothing. */
  dataDir?: string | undefined;
  maxConnections?: number;
  /** Names the pool in `pg_stat_activity`. */
  applicationName?: string;
}

export class DatabaseUnavailableError extends Error {
  constructor(target: string, cause: unknown) {
    super(`cannot reach the database at ${target}: ${cause instanceof Error ? cause.message : String(cause)}`, { cause });
    this.name = 'DatabaseUnavailableError';
  }
}

function redact(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password) parsed.password = '***';
    return parsed.toString();
  } catch {
    return 'an unparsable URL';
  }
}

/** Opens the database and checks that it answers; a database that cannot be reached is an error, never a null. */
export async function openDatabase<DB>(options: DatabaseOptions): Promise<Database<DB>> {
  const database = options.url ? openPostgres<DB>(options.url, options) : await openPglite<DB>(options.dataDir ?? 'memory://');
  try {
    await database.ping();
  } catch (error) {
    await database.close().catch(() => undefined);
    throw new DatabaseUnavailableError(options.url ? redact(options.url) : `PGlite ${options.dataDir}`, error);
  }
  return database;
}

/** What both drivers share once they have a Kysely instance: transactions, migrations, ping, close once. */
function wrap<DB>(kysely: Kysely<DB>, kind: Database<DB>['kind'], listen: Database<DB>['listen']): Database<DB> {
  let closed = false;
  return {
    kysely,
    kind,
    transaction: (fn) => kysely.transaction().execute(fn),
    listen,
    migrate: (sets) => runMigrations(kysely as Kysely<unknown>, sets),
    async ping() {
      await sql`select 1`.execute(kysely);
    },
    async close() {
      if (closed) return;
      closed = true;
      await kysely.destroy();
    },
  };
}

function openPostgres<DB>(url: string, options: DatabaseOptions): Database<DB> {
  const applicationName = options.applicationName ?? 'provisio';
  const pool = new pg.Pool({ connectionString: url, max: options.maxConnections ?? 10, connectionTimeoutMillis: 5_000, application_name: applicationName });
  // An idle client that loses its server emits 'error'; the pool replaces it on the next checkout.
  pool.on('error', () => undefined);
  return wrap(new Kysely<DB>({ dialect: new PostgresDialect({ pool }) }), 'postgres', async (channel, onNotify) => {
    // LISTEN needs a connection of its own, outside the pool.
    const client = new pg.Client({ connectionString: url, application_name: applicationName });
    client.on('error', () => undefined);
    await client.connect();
    client.on('notification', (message) => {
      if (message.channel === channel) onNotify(message.payload ?? '');
    });
    await client.query(`listen ${pg.escapeIdentifier(channel)}`);
    return async () => {
      await client.end().catch(() => undefined);
    };
  });
}

async function openPglite<DB>(dataDir: string): Promise<Database<DB>> {
  if (!dataDir.startsWith('memory://')) await mkdir(dataDir, { recursive: true });
  const pglite = await PGlite.create(dataDir, {
    parsers: { [DATE_OID]: (value: string) => value, [INT8_OID]: (value: string) => Number(value) },
  });
  const session = createPgliteSession(pglite);
  return wrap(new Kysely<DB>({ dialect: new PostgresDialect({ pool: session.pool }) }), 'pglite', (channel, onNotify) => pglite.listen(channel, onNotify));
}
