import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type Database } from '@provisio/db';
import { connectTestBroker, createTestDatabase, testNamespace, waitFor, type TestDatabase } from '@provisio/testing';
import { z } from 'zod';
import { createOutboxRelay, defineEvent, emit, ensureStreams, messagingMigrations } from '../src/index.js';

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const thingCreated = defineEvent('provider.test_created', z.object({ companyId: z.string(), n: z.number() }));

describe('transactional outbox', () => {
  let testDb: TestDatabase;
  let db: Database<unknown>;
  let broker: Awaited<ReturnType<typeof connectTestBroker>>;

  beforeAll(async () => {
    testDb = await createTestDatabase('outbox');
    db = await openDatabase({ url: testDb.url });
    await db.migrate([messagingMigrations]);
    broker = await connectTestBroker(testNamespace());
    await ensureStreams(broker.jsm, broker.ns, ['PROVIDERS']);
  });
  afterAll(async () => {
    await broker.cleanup();
    await db.close();
    await testDb.drop();
  });

  async function streamMessages() {
    const info = await broker.jsm.streams.info(broker.ns.stream('PROVIDERS'));
    return info.state.messages;
  }

  // An event whose business transaction rolled back must never be published.
  it('publishes nothing for a rolled-back transaction', async () => {
    await expect(
      db.transaction(async (tx) => {
        await emit(tx, thingCreated.build({ companyId: 'c1', n: 0 }, { source: 'test' }), 'a');
        throw new Error('rollback');
      }),
    ).rejects.toThrow('rollback');
    const { rows } = await sql<{ count: number }>`select count(*)::int as count from outbox`.execute(db.kysely);
    expect(rows[0]!.count).toBe(0);
  });

  // The commit itself wakes a running relay (NOTIFY in the emitting statement): published long before its next poll.
  it('publishes at the commit, not at the next poll', async () => {
    const relay = createOutboxRelay({ db, js: broker.js, ns: broker.ns, logger: silent, pollIntervalMs: 600_000 });
    await relay.start();
    // Its first look at the outbox, at start, is over: from here on only a wake-up makes it look again.
    await waitFor(async () => (await relay.backlog()).count === 0, { what: 'an empty outbox' });
    try {
      const before = await streamMessages();
      await db.transaction((tx) => emit(tx, thingCreated.build({ companyId: 'c1', n: 7 }, { source: 'test' }), 'woken'));
      await waitFor(async () => (await streamMessages()) === before + 1, { what: 'the event published after its commit', timeoutMs: 5_000 });
    } finally {
      await relay.stop();
    }
  });

  // A relay that dies after the commit leaves the row; the next relay publishes it exactly once.
  it('survives a crash between commit and publish', async () => {
    const before = await streamMessages();
    const event = thingCreated.build({ companyId: 'c1', n: 1 }, { source: 'test' });
    await db.transaction((tx) => emit(tx, event, 'a'));
    // No relay was running at commit time (the crash). A new one starts:
    const relay = createOutboxRelay({ db, js: broker.js, ns: broker.ns, logger: silent, pollIntervalMs: 50 });
    await relay.start();
    await waitFor(async () => (await streamMessages()) === before + 1, { what: 'the event in the stream' });
    await waitFor(async () => (await relay.backlog()).count === 0, { what: 'an empty outbox' });
    await relay.stop();
    const stored = await broker.jsm.streams.getMessage(broker.ns.stream('PROVIDERS'), { last_by_subj: broker.ns.subject(thingCreated.type) });
    expect(stored?.json<{ id: string }>().id).toBe(event.id);
    expect(stored?.header.get('Nats-Msg-Id')).toBe(event.id);
  });

  // A relay that published but died before deleting republishes; JetStream drops the copy by msgID.
  it('publishes exactly once when a row is published twice', async () => {
    const event = thingCreated.build({ companyId: 'c1', n: 2 }, { source: 'test' });
    await db.transaction((tx) => emit(tx, event, 'b'));
    const relay = createOutboxRelay({ db, js: broker.js, ns: broker.ns, logger: silent });
    await relay.flush();
    const after = await streamMessages();
    // Simulate the lost delete by putting the same row back.
    await db.transaction((tx) => emit(tx, event, 'b'));
    await relay.flush();
    expect(await streamMessages()).toBe(after);
    expect((await relay.backlog()).count).toBe(0);
  });

  // Events of one aggregate reach the stream in commit order, in batches larger than one.
  it('keeps commit order across batches', async () => {
    const events = Array.from({ length: 25 }, (_, n) => thingCreated.build({ companyId: 'c1', n: 100 + n }, { source: 'test' }));
    for (const event of events) await db.transaction((tx) => emit(tx, event, 'ordered'));
    const relay = createOutboxRelay({ db, js: broker.js, ns: broker.ns, logger: silent, batchSize: 7 });
    const first = (await broker.jsm.streams.info(broker.ns.stream('PROVIDERS'))).state.last_seq + 1;
    await relay.flush();
    const seen: number[] = [];
    for (let seq = first; seq < first + events.length; seq++) {
      const message = await broker.jsm.streams.getMessage(broker.ns.stream('PROVIDERS'), { seq });
      seen.push(message!.json<{ data: { n: number } }>().data.n);
    }
    expect(seen).toEqual(events.map((event) => event.data.n));
  });
});

describe('outbox relay under concurrent commits', () => {
  // Sequence order is not commit order: a row that commits late with a lower seq must still be published.
  it('publishes a row that commits after a later-numbered one was published', async () => {
    const testDb = await createTestDatabase('outbox_late');
    const db = await openDatabase({ url: testDb.url });
    await db.migrate([messagingMigrations]);
    const broker = await connectTestBroker(testNamespace());
    await ensureStreams(broker.jsm, broker.ns, ['PROVIDERS']);
    try {
      const early = thingCreated.build({ companyId: 'c1', n: 1 }, { source: 'test' });
      const late = thingCreated.build({ companyId: 'c1', n: 2 }, { source: 'test' });
      let releaseEarly!: () => void;
      const held = new Promise<void>((resolve) => (releaseEarly = resolve));
      let inserted!: () => void;
      const earlyInserted = new Promise<void>((resolve) => (inserted = resolve));
      // The first transaction takes the lower seq and commits last.
      const first = db.transaction(async (tx) => {
        await emit(tx, early, 'a');
        inserted();
        await held;
      });
      await earlyInserted;
      await db.transaction((tx) => emit(tx, late, 'b'));
      // The early row commits while the relay is publishing the late one: after its select, before its delete.
      const js = {
        publish: async (...args: Parameters<typeof broker.js.publish>) => {
          releaseEarly();
          await first;
          return broker.js.publish(...args);
        },
      } as unknown as typeof broker.js;
      const relay = createOutboxRelay({ db, js, ns: broker.ns, logger: silent });
      await relay.flush();
      await relay.flush();
      const info = await broker.jsm.streams.info(broker.ns.stream('PROVIDERS'));
      expect(info.state.messages).toBe(2);
      expect((await relay.backlog()).count).toBe(0);
    } finally {
      await broker.cleanup();
      await db.close();
      await testDb.drop();
    }
  });
});
