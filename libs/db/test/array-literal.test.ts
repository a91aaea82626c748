import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import { createTestDatabase, type TestDatabase } from '@provisio/testing';
import { openDatabase, pgArray, type Database } from '../src/index.js';

/** Strings that need no backslash in JSON: the fast path (JSON.stringify) carries them. */
const plainButAwkward = ['plain', '', 'NULL', 'null', 'a,b', '{braces}', ' padded ', 'Zoë 日本', '\u2028', 'x}y{z'];
/** With a quote, a backslash or a control character: quoted element by element. */
const awkward = [...plainButAwkward, 'with "quotes"', 'back\\slash', 'tab\there', 'new\nline', '\\"', '"'];

// An array parameter sent as one literal reads back as the same values, on PostgreSQL and on PGlite, whatever
// the strings hold (the fast path and the quoted one).
describe.each(['postgresql', 'pglite'] as const)('pgArray on %s', (engine) => {
  let testDb: TestDatabase | undefined;
  let dir: string | undefined;
  let db: Database<unknown>;

  beforeAll(async () => {
    if (engine === 'postgresql') {
      testDb = await createTestDatabase('array_literal');
      db = await openDatabase({ url: testDb.url });
    } else {
      dir = await mkdtemp(join(tmpdir(), 'provisio-array-'));
      db = await openDatabase({ dataDir: dir });
    }
  });
  afterAll(async () => {
    await db.close();
    await testDb?.drop();
    if (dir) await rm(dir, { recursive: true, force: true });
  });

  async function roundTrip<T>(literal: string, type: string): Promise<T[]> {
    const { rows } = await sql<{ v: T[] }>`select ${literal}::${sql.raw(type)} as v`.execute(db.kysely);
    return rows[0]!.v;
  }

  it('keeps awkward strings and nulls as they are', async () => {
    expect(await roundTrip(pgArray(plainButAwkward), 'text[]')).toEqual(plainButAwkward);
    expect(await roundTrip(pgArray(awkward), 'text[]')).toEqual(awkward);
    expect(await roundTrip(pgArray(['a', null, 'b', undefined]), 'text[]')).toEqual(['a', null, 'b', null]);
    expect(await roundTrip(pgArray(['simple', 'ids only']), 'text[]')).toEqual(['simple', 'ids only']);
    expect(await roundTrip(pgArray([]), 'text[]')).toEqual([]);
  });

  it('reads numbers, booleans, uuids and timestamps in their types', async () => {
    expect(await roundTrip(pgArray([1, -2, 30_000, null]), 'int[]')).toEqual([1, -2, 30_000, null]);
    expect(await roundTrip(pgArray([true, false, null]), 'boolean[]')).toEqual([true, false, null]);
    const id = '0b7e6a40-52a4-4d4c-9a59-2e4b8f0f5e11';
    expect(await roundTrip(pgArray([id, null]), 'uuid[]')).toEqual([id, null]);
    const at = new Date('2026-11-27T06:30:00.123Z');
    const read = await roundTrip<Date | string>(pgArray([at, at.toISOString(), null]), 'timestamptz[]');
    expect(read.map((value) => (value === null ? null : new Date(value).toISOString()))).toEqual([at.toISOString(), at.toISOString(), null]);
  });

  // JSON would write these as null: refused instead of stored as null.
  it('refuses numbers and dates PostgreSQL cannot store', () => {
    expect(() => pgArray([1, Number.NaN])).toThrow(TypeError);
    expect(() => pgArray([Number.POSITIVE_INFINITY])).toThrow(TypeError);
    expect(() => pgArray([new Date('not a date')])).toThrow(TypeError);
  });

  // The shape the services use: several literals unnested side by side into rows.
  it('unnests side by side into rows', async () => {
    const { rows } = await sql<{ name: string; n: number }>`select * from unnest(${pgArray(awkward)}::text[], ${pgArray(awkward.map((_, i) => i))}::int[]) as v(name, n) order by n`.execute(db.kysely);
    expect(rows).toEqual(awkward.map((name, n) => ({ name, n })));
  });
});
