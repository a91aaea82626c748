import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { createTestDatabase, waitFor, type TestDatabase } from '@provisio/testing';
import { analyzeStaleTables, openDatabase, type Database } from '../src/index.js';

describe('statistics kept fresh without autovacuum', () => {
  let testDb: TestDatabase;
  let db: Database<unknown>;

  beforeAll(async () => {
    testDb = await createTestDatabase('auto_analyze');
    db = await openDatabase({ url: testDb.url });
    await sql`create table people (id int primary key, department text not null)`.execute(db.kysely);
    await sql`create table few (id int)`.execute(db.kysely);
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  /** The planner's estimate of the rows `select * from people` returns. */
  async function estimatedPeople(): Promise<number> {
    const { rows } = await sql<{ 'QUERY PLAN': { Plan: { 'Plan Rows': number } }[] }>`explain (format json) select * from people`.execute(db.kysely);
    return rows[0]!['QUERY PLAN'][0]!.Plan['Plan Rows'];
  }

  // A freshly imported table is analysed (the planner then knows its size); a table barely changed is not, and
  // a table analysed once is not analysed again until it changes enough.
  it('analyses the tables changed by more than 50 rows + 10% since their last ANALYZE', async () => {
    await sql`insert into people select n, 'Dept ' || (n % 10) from generate_series(1, 10000) n`.execute(db.kysely);
    await sql`insert into few select generate_series(1, 20)`.execute(db.kysely);
    // The server counts changes a moment after they commit.
    const analysed = await waitFor(async () => {
      const tables = await analyzeStaleTables(db);
      return tables.length > 0 ? tables : undefined;
    }, { what: 'the imported table analysed' });
    expect(analysed).toEqual(['public.people']);
    expect(await estimatedPeople()).toBe(10000);
    expect(await analyzeStaleTables(db)).toEqual([]);
    const { rows } = await sql<{ relname: string; analysed: boolean }>`select relname, last_analyze is not null as analysed
      from pg_stat_user_tables where relname in ('people', 'few') order by relname`.execute(db.kysely);
    expect(rows).toEqual([{ relname: 'few', analysed: false }, { relname: 'people', analysed: true }]);
  });
});
