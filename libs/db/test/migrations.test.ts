import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '@provisio/testing';
import { openDatabase } from '../src/index.js';

describe('migrations on PostgreSQL', () => {
  let testDb: TestDatabase;
  let dir: string;

  beforeAll(async () => {
    testDb = await createTestDatabase('migrations');
    dir = await mkdtemp(join(tmpdir(), 'provisio-migrations-'));
    // A migration that fails if it runs twice.
    await writeFile(join(dir, '001_counter.sql'), 'create table counter (n integer);\ninsert into counter values (1);\n');
    await writeFile(join(dir, '002_more.sql'), 'insert into counter values (2);\n');
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
    await testDb.drop();
  });

  // Instances that start together apply each migration exactly once (the advisory lock).
  it('applies each migration once when instances race', async () => {
    const instances = await Promise.all(Array.from({ length: 4 }, () => openDatabase({ url: testDb.url })));
    const applied = await Promise.all(instances.map((db) => db.migrate([{ name: 'race', dir }])));
    expect(applied.flat().sort()).toEqual(['race/1_counter', 'race/2_more']);
    const { rows } = await sql<{ n: number }>`select n from counter order by n`.execute(instances[0]!.kysely);
    expect(rows.map((row) => row.n)).toEqual([1, 2]);
    await Promise.all(instances.map((db) => db.close()));
  });
});
