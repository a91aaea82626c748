import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { waitFor } from '@provisio/testing';
import { openDatabase, type Database } from '../src/index.js';

// The embedded default must behave like PostgreSQL for what the services do: scripts, transactions, NOTIFY.
describe('PGlite, the embedded default', () => {
  let dir: string;
  let db: Database<{ t: { n: number } }>;

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'provisio-pglite-'));
    await mkdir(join(dir, 'migrations'));
    await writeFile(join(dir, 'migrations', '001_t.sql'), 'create table t (n integer not null);\ncreate index t_n on t (n);\n');
    db = await openDatabase({ dataDir: join(dir, 'data') });
  });
  afterAll(async () => {
    await db.close();
    await rm(dir, { recursive: true, force: true });
  });

  // A migration file with several statements applies once, even when run twice.
  it('applies multi-statement migrations once', async () => {
    expect(await db.migrate([{ name: 't', dir: join(dir, 'migrations') }])).toEqual(['t/1_t']);
    expect(await db.migrate([{ name: 't', dir: join(dir, 'migrations') }])).toEqual([]);
  });

  // Concurrent transactions never interleave on the single connection; a failed one rolls back.
  it('runs transactions one at a time and rolls back on error', async () => {
    await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        db.transaction(async (tx) => {
          await tx.insertInto('t').values({ n: i }).execute();
          await tx.insertInto('t').values({ n: i + 100 }).execute();
        }),
      ),
    );
    await expect(db.transaction(async (tx) => {
      await tx.insertInto('t').values({ n: -1 }).execute();
      throw new Error('no');
    })).rejects.toThrow('no');
    const { rows } = await sql<{ count: number }>`select count(*)::int as count from t`.execute(db.kysely);
    expect(rows[0]!.count).toBe(20);
  });

  // NOTIFY inside a transaction reaches a listener after the commit.
  it('delivers NOTIFY to a listener', async () => {
    const received: string[] = [];
    const stop = await db.listen('wake', (payload) => received.push(payload));
    await db.transaction(async (tx) => {
      await sql`select pg_notify('wake', 'hello')`.execute(tx);
    });
    await waitFor(() => received.length > 0, { what: 'the notification' });
    expect(received).toEqual(['hello']);
    await stop();
  });
});
