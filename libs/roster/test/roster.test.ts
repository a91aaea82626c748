import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { openDatabase, type Database } from '@provisio/db';
import { employeeHired, employeeTerminated, employeeUpdated } from '@provisio/contracts';
import { createConsumer, ensureStreams, messagingMigrations, publishEvent, type CloudEvent } from '@provisio/messaging';
import { connectTestBroker, createTestDatabase, testNamespace, waitFor, type TestDatabase } from '@provisio/testing';
import { applyRosterEvent, applyRosterEvents, consumeRoster, findRosterEmployee, rosterMigrations, type RosterChange, type RosterTables } from '../src/index.js';
import { sql } from 'kysely';

function history(companyId: string): CloudEvent<never>[] {
  const t = (day: number) => new Date(Date.UTC(2026, 0, day)).toISOString();
  const base = { id: 'e1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', accessLevel: 'employee' as const, startDate: '2026-01-05' };
  return [
    employeeHired.build({ companyId, employee: { ...base, department: 'Eng' } }, { source: 'hris', id: 'h1', time: new Date(t(1)) }),
    employeeUpdated.build({ companyId, employee: { id: 'e1', jobTitle: 'Engineer', department: 'Research' } }, { source: 'hris', id: 'u1', time: new Date(t(3)) }),
    employeeTerminated.build({ companyId, employeeId: 'e1', terminationDate: '2026-02-01' }, { source: 'hris', id: 't1', time: new Date(t(30)) }),
    employeeHired.build({ companyId, employee: { ...base, startDate: '2026-04-01', department: 'Sales', accessLevel: 'admin' } }, { source: 'hris', id: 'h2', time: new Date(t(80)) }),
    employeeUpdated.build({ companyId, employee: { id: 'e1', lastName: 'King' } }, { source: 'hris', id: 'u2', time: new Date(t(90)) }),
    // A second employee terminated before being hired, in wall-clock order of arrival.
    employeeTerminated.build({ companyId, employeeId: 'e2', terminationDate: '2026-03-01' }, { source: 'hris', id: 't2', time: new Date(t(60)) }),
    employeeHired.build({ companyId, employee: { ...base, id: 'e2', email: 'b@example.com', startDate: '2026-01-10' } }, { source: 'hris', id: 'h3', time: new Date(t(9)) }),
  ] as CloudEvent<never>[];
}

/** A deterministic shuffle with repeats, from a seed. */
function permuteWithRepeats<T>(items: T[], seed: number): T[] {
  let state = seed;
  const random = () => ((state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31);
  const copy = [...items, ...items.filter(() => random() < 0.4)];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('roster projection', () => {
  let testDb: TestDatabase;
  let db: Database<RosterTables>;

  beforeAll(async () => {
    testDb = await createTestDatabase('roster');
    db = await openDatabase({ url: testDb.url });
    await db.migrate([messagingMigrations, rosterMigrations]);
  });
  afterAll(async () => {
    await db.close();
    await testDb.drop();
  });

  async function replay(events: CloudEvent<never>[]) {
    for (const event of events) await db.transaction((tx) => applyRosterEvent(tx, event));
  }
  async function state(companyId: string) {
    const strip = (e: object | undefined) => (e ? { ...e, companyId: undefined } : e);
    return [strip(await findRosterEmployee(db.kysely, companyId, 'e1')), strip(await findRosterEmployee(db.kysely, companyId, 'e2'))];
  }

  // The ordered history gives a rehired admin and a terminated second employee.
  it('applies the history in order', async () => {
    const companyId = `c-${randomUUID()}`;
    await replay(history(companyId));
    const [e1, e2] = await state(companyId);
    expect(e1).toMatchObject({ status: 'active', lastName: 'King', department: 'Sales', accessLevel: 'admin', jobTitle: null, startDate: '2026-04-01', terminationDate: null });
    expect(e2).toMatchObject({ status: 'terminated', terminationDate: '2026-03-01' });
  });

  // Any permutation of the events, with repeats, ends in the same roster as the ordered stream.
  it('ends in the same roster for reordered and repeated events', async () => {
    const ordered = `c-${randomUUID()}`;
    await replay(history(ordered));
    const expected = await state(ordered);
    for (let seed = 1; seed <= 12; seed++) {
      const companyId = `c-${randomUUID()}`;
      await replay(permuteWithRepeats(history(companyId), seed));
      expect(await state(companyId), `seed ${seed}`).toEqual(expected);
    }
  });
  // A consumer's batch applies many events in one call: the same roster, and for each event the change it
  // made as if applied one after the other (what reactions such as "started a workflow on hire" look at).
  it('applies a batch at once as if one by one', async () => {
    const ordered = `c-${randomUUID()}`;
    await replay(history(ordered));
    const expected = await state(ordered);
    for (let seed = 1; seed <= 6; seed++) {
      const oneByOne = `c-${randomUUID()}`;
      const batched = `c-${randomUUID()}`;
      const events = (companyId: string) => permuteWithRepeats(history(companyId), seed);
      const single: RosterChange[] = [];
      for (const event of events(oneByOne)) single.push(await db.transaction((tx) => applyRosterEvent(tx, event)));
      const together = await db.transaction((tx) => applyRosterEvents(tx, events(batched)));
      expect(await state(batched), `seed ${seed}`).toEqual(expected);
      const strip = (changes: RosterChange[]) =>
        changes.map(({ employeeId, before, after }) => ({ employeeId, before: before && { ...before, companyId: undefined }, after: after && { ...after, companyId: undefined } }));
      expect(strip(together), `seed ${seed}`).toEqual(strip(single));
    }
  });
});

describe('roster consumer in batches', () => {
  // A reaction sees the person as the events so far left them, not as later events of the same batch will:
  // a hire and two terminations (two HR systems) arriving together start one offboarding, as one by one.
  it('calls each reaction with the roster as it stood after that event', async () => {
    const testDb = await createTestDatabase('roster_consumer');
    const db = await openDatabase<RosterTables>({ url: testDb.url });
    const broker = await connectTestBroker(testNamespace());
    const silent = { info() {}, warn() {}, error() {}, debug() {} };
    try {
      await db.migrate([messagingMigrations, rosterMigrations]);
      await ensureStreams(broker.jsm, broker.ns, ['HR', 'DEAD_LETTER']);
      const companyId = `c-${randomUUID()}`;
      const base = { id: 'e9', firstName: 'Tom', lastName: 'Twice', email: 'tom@example.com', accessLevel: 'employee' as const, startDate: '2026-01-05' };
      // Delivery order mixes the types: reactions follow it, not one type after the other.
      const events = [
        employeeHired.build({ companyId, employee: base }, { source: 'hris' }),
        employeeTerminated.build({ companyId, employeeId: 'e9', terminationDate: '2026-02-01' }, { source: 'hris' }),
        employeeUpdated.build({ companyId, employee: { id: 'e9', department: 'Sales' } }, { source: 'hris' }),
        employeeTerminated.build({ companyId, employeeId: 'e9', terminationDate: '2026-02-01' }, { source: 'payroll' }),
      ];
      for (const event of events) await publishEvent(broker.js, broker.ns, event);
      const seen: { type: string; recorded: number; before: string | undefined; after: string | undefined }[] = [];
      const consumer = consumeRoster<RosterTables>(
        createConsumer({ broker, db: db as never, logger: silent, name: 'roster-batch', stream: 'HR', batchSize: 50 }),
        async (tx, change, event) => {
          const { rows } = await sql<{ n: number }>`select count(*)::int as n from roster_events where employee_id = 'e9'`.execute(tx);
          seen.push({ type: event.type, recorded: rows[0]!.n, before: change.before?.status, after: change.after?.status });
        },
      );
      await consumer.start();
      try {
        await waitFor(() => seen.length === 4, { what: 'four reactions' });
      } finally {
        await consumer.stop();
      }
      expect(seen).toEqual([
        { type: 'hr.employee.hired', recorded: 1, before: undefined, after: 'active' },
        { type: 'hr.employee.terminated', recorded: 2, before: 'active', after: 'terminated' },
        { type: 'hr.employee.updated', recorded: 3, before: 'terminated', after: 'terminated' },
        { type: 'hr.employee.terminated', recorded: 4, before: 'terminated', after: 'terminated' },
      ]);
    } finally {
      await broker.cleanup();
      await db.close();
      await testDb.drop();
    }
  });
});
