import { readdir, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { sql, type Kysely } from 'kysely';

/** A folder of numbered SQL files (`001_create_providers.sql`, …) owned by one service or lib. */
export interface MigrationSet {
  /** Stable name of the set: `providers`, `messaging`, `roster`. Never rename it: applied versions are keyed by it. */
  name: string;
  dir: string;
}

interface MigrationFile {
  version: number;
  name: string;
  path: string;
}

async function readMigrationFiles(dir: string): Promise<MigrationFile[]> {
  const files = (await readdir(dir)).filter((file) => file.endsWith('.sql'));
  const migrations = files.map((file) => {
    const match = /^(\d+)_([\w-]+)\.sql$/.exec(file);
    if (!match) throw new Error(`migration file ${join(dir, file)} must be named NNN_name.sql`);
    return { version: Number(match[1]), name: match[2]!, path: join(dir, file) };
  });
  migrations.sort((a, b) => a.version - b.version);
  migrations.forEach((migration, index) => {
    if (index > 0 && migrations[index - 1]!.version === migration.version) {
      throw new Error(`two migrations in ${dir} share version ${migration.version}`);
    }
  });
  return migrations;
}

/**
 * Applies every set's pending migrations in order, each file in its own transaction. The whole run holds
 * a session-level advisory lock, so instances that start together apply each migration exactly once.
 */
export async function runMigrations(db: Kysely<unknown>, sets: MigrationSet[]): Promise<string[]> {
  return db.connection().execute(async (conn) => {
    await sql`select pg_advisory_lock(hashtext('provisio.migrations'))`.execute(conn);
    try {
      await sql`create table if not exists schema_migrations (
        set_name text not null,
        version integer not null,
        name text not null,
        applied_at timestamptz not null default now(),
        primary key (set_name, version)
      )`.execute(conn);
      const applied: string[] = [];
      for (const set of sets) {
        const done = await sql<{ version: number }>`
          select version from schema_migrations where set_name = ${set.name}`.execute(conn);
        const doneVersions = new Set(done.rows.map((row) => row.version));
        for (const migration of await readMigrationFiles(set.dir)) {
          if (doneVersions.has(migration.version)) continue;
          const text = await readFile(migration.path, 'utf8');
          await conn.transaction().execute(async (tx) => {
            await sql.raw(text).execute(tx);
            await sql`insert into schema_migrations (set_name, version, name)
              values (${set.name}, ${migration.version}, ${migration.name})`.execute(tx);
          });
          applied.push(`${set.name}/${migration.version}_${migration.name}`);
        }
      }
      return applied;
    } finally {
      await sql`select pg_advisory_unlock(hashtext('provisio.migrations'))`.execute(conn);
    }
  });
}
