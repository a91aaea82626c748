import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type Database } from '@provisio/db';
import { connectTestBroker, createTestDatabase, testNamespace, waitFor, type TestDatabase } from '@provisio/testing';
import { z } from 'zod';
import { createConsumer, defineEvent, ensureStreams, messagingMigrations, publishEvent, type Consumer } from '../src/index.js';

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const hired = defineEvent('hr.test_hired', z.object({ companyId: z.string(), who: z.string() }));
/** Another type on the same stream, for a consumer that must not see the other tests' events. */
const rehired = defineEvent('hr.test_rehired', z.object({ companyId: z.string(), who: z.string() }));
const returned = defineEvent('hr.test_returned', z.object({ companyId: z.string(), who: z.string() }));

/**
 * A database with `processed_events` and an `applied` table, and a namespace with HR and DEAD_LETTER streams,
 * for the describe block that calls it; the consumers it lists are stopped afterwards.
 */
type Broker = Awaited<ReturnType<typeof connectTestBroker>>;

function consumerFixture(label: string) {
  const fixture = {
    testDb: undefined as unknown as TestDatabase,
    db: undefined as unknown as Database<unknown>,
    broker: undefined as unknown as Broker,
    consumers: [] as Consumer[],
  };
  beforeAll(async () => {
    fixture.testDb = await createTestDatabase(label);
    fixture.db = await openDatabase({ url: fixture.testDb.url });
    await fixture.db.migrate([messagingMigrations]);
    await sql`create table applied (who text not null)`.execute(fixture.db.kysely);
    fixture.broker = await connectTestBroker(testNamespace());
    await ensureStreams(fixture.broker.jsm, fixture.broker.ns, ['HR', 'DEAD_LETTER']);
  });
  afterAll(async () => {
    await Promise.all(fixture.consumers.map((consumer) => consumer.stop()));
    await fixture.broker.cleanup();
    await fixture.db.close();
    await fixture.testDb.drop();
  });
  return fixture;
}

describe('idempotent consumer', () => {
  const fixture = consumerFixture('consumer');
  const { consumers } = fixture;
  let db: Database<unknown>;
  let broker: Broker;
  beforeAll(() => void ({ db, broker } = fixture));

  async function appliedCount(who: string) {
    const { rows } = await sql<{ count: number }>`select count(*)::int as count from applied where who = ${who}`.execute(db.kysely);
    return rows[0]!.count;
  }

  async function deadLetters() {
    const info = await broker.jsm.streams.info(broker.ns.stream('DEAD_LETTER'));
    return info.state.messages;
  }

  // The same event delivered twice (here: published twice past the duplicate window's reach) is applied once.
  it('applies a repeated event once', async () => {
    const consumer = createConsumer({ broker, db, logger: silent, name: 'idem', stream: 'HR' }).on(hired, async (event, tx) => {
      await sql`insert into applied (who) values (${event.data.who})`.execute(tx);
    });
    consumers.push(consumer);
    await consumer.start();
    const event = hired.build({ companyId: 'c1', who: 'ada' }, { source: 'test' });
    await publishEvent(broker.js, broker.ns, event);
    // A second copy under another message id, as a redelivery from another publisher would look.
    await broker.js.publish(broker.ns.subject(event.type), JSON.stringify(event), { msgID: `${event.id}-copy` });
    await waitFor(() => consumer.stats.duplicate === 1, { what: 'the copy to be seen as a duplicate' });
    expect(consumer.stats.applied).toBe(1);
    expect(await appliedCount('ada')).toBe(1);
    await consumer.stop();
  });

  // A handler that always fails sends its message to the dead-letter stream after the configured
  // deliveries; the message behind it is still processed.
  it('dead-letters a failing message without blocking the next', async () => {
    const consumer = createConsumer({
      broker, db, logger: silent, name: 'fails', stream: 'HR', maxDeliveries: 3, backoffMs: [20],
    }).on(hired, async (event, tx) => {
      if (event.data.who === 'poison') throw new Error('cannot apply poison');
      await sql`insert into applied (who) values (${event.data.who})`.execute(tx);
    });
    consumers.push(consumer);
    const before = await deadLetters();
    await publishEvent(broker.js, broker.ns, hired.build({ companyId: 'c1', who: 'poison' }, { source: 'test' }));
    await publishEvent(broker.js, broker.ns, hired.build({ companyId: 'c1', who: 'grace' }, { source: 'test' }));
    await consumer.start();
    await waitFor(async () => (await appliedCount('grace')) === 1, { what: 'the next message to be applied' });
    await waitFor(async () => (await deadLetters()) === before + 1, { what: 'a dead letter' });
    expect(consumer.stats.retry).toBe(2);
    const letter = await broker.jsm.streams.getMessage(broker.ns.stream('DEAD_LETTER'), { last_by_subj: broker.ns.subject('dlq.fails') });
    expect(letter?.header.get('Provisio-Error')).toContain('cannot apply poison');
    expect(letter?.header.get('Provisio-Deliveries')).toBe('3');
    expect(await appliedCount('poison')).toBe(0);
    // The handler's failed writes rolled back with the event record, so nothing was marked processed.
    const { rows } = await sql<{ count: number }>`select count(*)::int as count from processed_events where consumer = 'fails'`.execute(db.kysely);
    expect(rows[0]!.count).toBe(2); // ada (from the first test's stream contents) and grace
  });

  // Garbage on the subject is dead-lettered at once instead of being retried forever.
  it('dead-letters an unreadable message at the first delivery', async () => {
    const consumer = createConsumer({ broker, db, logger: silent, name: 'garbage', stream: 'HR', maxDeliveries: 5 })
      .on(hired, async () => undefined);
    consumers.push(consumer);
    const before = await deadLetters();
    await consumer.start();
    await broker.js.publish(broker.ns.subject(hired.type), 'not json {');
    await broker.js.publish(broker.ns.subject(hired.type), JSON.stringify({ specversion: '1.0', id: 'x', source: 's', type: hired.type, data: { who: 1 } }));
    await waitFor(async () => (await deadLetters()) >= before + 2, { what: 'two dead letters' });
    expect(consumer.stats.retry).toBe(0);
  });

  // A service whose database is new replays the stream: the durable consumer's position belonged to the old one.
  it('replays the stream from the start for a new database', async () => {
    const first = createConsumer({ broker, db, logger: silent, name: 'replay', stream: 'HR' }).on(hired, async (event, tx) => {
      await sql`insert into applied (who) values (${`first-${event.data.who}`})`.execute(tx);
    });
    await first.start();
    await publishEvent(broker.js, broker.ns, hired.build({ companyId: 'c1', who: 'ren' }, { source: 'test' }));
    await waitFor(async () => (await appliedCount('first-ren')) === 1, { what: 'the first database to apply the event' });
    await first.stop();

    const fresh = await createTestDatabase('consumer_fresh');
    const freshDb = await openDatabase({ url: fresh.url });
    try {
      await freshDb.migrate([messagingMigrations]);
      await sql`create table applied (who text not null)`.execute(freshDb.kysely);
      const again = createConsumer({ broker, db: freshDb, logger: silent, name: 'replay', stream: 'HR', replayFromStart: true }).on(hired, async (event, tx) => {
        await sql`insert into applied (who) values (${event.data.who})`.execute(tx);
      });
      await again.start();
      await waitFor(async () => {
        const { rows } = await sql<{ count: number }>`select count(*)::int as count from applied where who = 'ren'`.execute(freshDb.kysely);
        return rows[0]!.count === 1;
      }, { what: 'the new database to get the event again' });
      await again.stop();
    } finally {
      await freshDb.close();
      await fresh.drop();
    }
  });
});

describe('consumer in batches', () => {
  const fixture = consumerFixture('consumer_batch');
  const { consumers } = fixture;
  let db: Database<unknown>;
  let broker: Broker;
  beforeAll(() => void ({ db, broker } = fixture));
  /** Each handler call: how many events it was given. */
  const calls: number[] = [];

  async function applied(prefix: string) {
    const { rows } = await sql<{ who: string }>`select who from applied where starts_with(who, ${prefix}) order by who`.execute(db.kysely);
    return rows.map((row) => row.who);
  }

  function batchConsumer(name: string, options: { onCommit?: () => void; maxDeliveries?: number } = {}) {
    const consumer = createConsumer({ broker, db, logger: silent, name, stream: 'HR', batchSize: 50, backoffMs: [20], ...options }).onBatch(
      hired,
      async (items, tx) => {
        calls.push(items.length);
        if (items.some(({ event }) => event.data.who.endsWith('poison'))) throw new Error('cannot apply poison');
        await sql`insert into applied (who) select unnest(${items.map(({ event }) => event.data.who)}::text[])`.execute(tx);
      },
    );
    consumers.push(consumer);
    return consumer;
  }

  // A backlog is applied in a few transactions of many events, each event once, and each commit is announced.
  it('applies a backlog in batches, each event once', async () => {
    const events = Array.from({ length: 120 }, (_, i) => hired.build({ companyId: 'c1', who: `backlog-${String(i).padStart(3, '0')}` }, { source: 'test' }));
    await Promise.all(events.map((event) => publishEvent(broker.js, broker.ns, event)));
    // Two copies under other message ids (a redelivery from another publisher): the same events again.
    for (const event of events.slice(0, 2)) await broker.js.publish(broker.ns.subject(event.type), JSON.stringify(event), { msgID: `${event.id}-copy` });
    let commits = 0;
    calls.length = 0;
    const consumer = batchConsumer('batch-backlog', { onCommit: () => (commits += 1) });
    await consumer.start();
    await waitFor(() => consumer.stats.applied + consumer.stats.duplicate === 122, { what: 'every message handled' });
    expect(await applied('backlog-')).toEqual(events.map((event) => event.data.who));
    expect(consumer.stats).toMatchObject({ applied: 120, duplicate: 2, retry: 0 });
    // 120 events in batches of at most 50: at least three handler calls, far fewer than one per event.
    expect(calls.every((size) => size <= 50)).toBe(true);
    expect(calls.length).toBeGreaterThanOrEqual(3);
    expect(calls.length).toBeLessThan(60);
    expect(commits).toBe(calls.length);
    await consumer.stop();
  });

  // An event and its copy (another message id) waiting together in one batch: applied once, counted once as a
  // duplicate.
  it('applies an event and its copy in the same batch once', async () => {
    const consumer = batchConsumer('batch-copies');
    await consumer.start();
    await waitFor(() => consumer.stats.applied === 120, { what: 'the backlog of the first test' });
    await consumer.stop();
    const event = hired.build({ companyId: 'c1', who: 'twice-ada' }, { source: 'test' });
    await publishEvent(broker.js, broker.ns, event);
    await broker.js.publish(broker.ns.subject(event.type), JSON.stringify(event), { msgID: `${event.id}-copy` });
    calls.length = 0;
    await consumer.start();
    await waitFor(() => consumer.stats.duplicate >= 3, { what: 'the copy handled' });
    // Both arrived in one batch, and the handler was given the event once.
    expect(calls).toEqual([1]);
    expect(await applied('twice-')).toEqual(['twice-ada']);
    expect(consumer.stats).toMatchObject({ applied: 121, duplicate: 3 });
    await consumer.stop();
  });

  // A batch slower than ack_wait: the messages in hand and those waiting behind it are reported in progress, so
  // JetStream does not deliver them again (each would come back as a duplicate).
  it('keeps a slow batch and the messages behind it from being redelivered', async () => {
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let slowStarted = false;
    const consumer = createConsumer({ broker, db, logger: silent, name: 'batch-slow', stream: 'HR', batchSize: 5, ackWaitMs: 1_000 }).onBatch(
      rehired,
      async (items, tx) => {
        if (items.some(({ event }) => event.data.who === 'slow-0')) {
          slowStarted = true;
          await released;
        }
        await sql`insert into applied (who) select unnest(${items.map(({ event }) => event.data.who)}::text[])`.execute(tx);
      },
    );
    consumers.push(consumer);
    // The progress reports JetStream receives ("+WPI" on each message's ack subject), by message.
    const reports = new Map<string, number>();
    const acks = broker.nc.subscribe(`$JS.ACK.${broker.ns.stream('HR')}.batch-slow.>`, {
      callback: (error, msg) => {
        if (!error && msg.string() === '+WPI') reports.set(msg.subject, (reports.get(msg.subject) ?? 0) + 1);
      },
    });
    await consumer.start();
    try {
      await publishEvent(broker.js, broker.ns, rehired.build({ companyId: 'c1', who: 'slow-0' }, { source: 'test' }));
      await waitFor(() => slowStarted, { what: 'the slow batch started' });
      const behind = Array.from({ length: 9 }, (_, i) => rehired.build({ companyId: 'c1', who: `slow-${String(i + 1).padStart(2, '0')}` }, { source: 'test' }));
      await Promise.all(behind.map((event) => publishEvent(broker.js, broker.ns, event)));
      // Four reports for each of the ten held messages, a third of ack_wait apart: each has been held longer than
      // ack_wait, after which, unreported, JetStream would have delivered it again.
      await waitFor(() => reports.size === 10 && [...reports.values()].every((count) => count >= 4), { what: 'four progress reports of every held message' });
      release();
      await waitFor(() => consumer.stats.applied === 10, { what: 'all ten applied' });
      expect(consumer.stats).toMatchObject({ applied: 10, duplicate: 0, retry: 0 });
      expect(await applied('slow-')).toEqual(['slow-0', ...behind.map((event) => event.data.who)]);
    } finally {
      release();
      acks.unsubscribe();
      await consumer.stop();
    }
  });

  // A handler may leave events for later (what they need has not arrived): the rest of the batch commits, and
  // those come back after the backoff and are applied then, once.
  it('commits a batch and leaves the events it cannot apply yet for later', async () => {
    let ready = false;
    const consumer = createConsumer({ broker, db, logger: silent, name: 'batch-later', stream: 'HR', batchSize: 50, backoffMs: [20] }).onBatch(
      returned,
      async (items, tx) => {
        const later = items.filter(({ event }) => event.data.who.startsWith('later-') && !ready);
        const now = items.filter((item) => !later.includes(item));
        if (now.length > 0) await sql`insert into applied (who) select unnest(${now.map(({ event }) => event.data.who)}::text[])`.execute(tx);
        return { later, reason: 'the thing it needs is not there yet' };
      },
    );
    consumers.push(consumer);
    const events = ['later-a', 'now-b', 'now-c'].map((who) => returned.build({ companyId: 'c1', who }, { source: 'test' }));
    await Promise.all(events.map((event) => publishEvent(broker.js, broker.ns, event)));
    // A copy of the waiting event in the same batch (another message id) waits with it instead of being
    // acknowledged as a duplicate.
    await broker.js.publish(broker.ns.subject(returned.type), JSON.stringify(events[0]), { msgID: `${events[0]!.id}-copy` });
    await consumer.start();
    try {
      await waitFor(async () => (await applied('now-')).length === 2, { what: 'the others applied' });
      await waitFor(() => consumer.stats.retry >= 4, { what: 'the waiting one and its copy delivered again' });
      expect(consumer.stats.duplicate).toBe(0);
      expect(await applied('later-')).toEqual([]);
      ready = true;
      await waitFor(async () => (await applied('later-')).length === 1, { what: 'the waiting one applied' });
      await waitFor(() => consumer.stats.applied === 3 && consumer.stats.duplicate === 1, { what: 'three applied, the copy a duplicate' });
      expect(await applied('now-')).toEqual(['now-b', 'now-c']);
      expect(await applied('later-')).toEqual(['later-a']);
      expect(consumer.stats['dead-lettered']).toBe(0);
    } finally {
      await consumer.stop();
    }
  });

  // One event that cannot be applied spoils its batch; the batch is applied again message by message, so the
  // others are applied once and only the failing one is retried and then dead-lettered.
  it('isolates a failing event of a batch', async () => {
    const consumer = batchConsumer('batch-poison', { maxDeliveries: 2 });
    const events = ['mixed-a', 'mixed-b', 'mixed-poison', 'mixed-c'].map((who) => hired.build({ companyId: 'c1', who }, { source: 'test' }));
    await Promise.all(events.map((event) => publishEvent(broker.js, broker.ns, event)));
    // Also garbage in the same batch: dead-lettered at once, not retried.
    await broker.js.publish(broker.ns.subject(hired.type), 'not json {');
    await consumer.start();
    await waitFor(() => consumer.stats['dead-lettered'] === 2, { what: 'two dead letters' });
    expect(await applied('mixed-')).toEqual(['mixed-a', 'mixed-b', 'mixed-c']);
    expect(consumer.stats.retry).toBe(1);
    const letter = await broker.jsm.streams.getMessage(broker.ns.stream('DEAD_LETTER'), { last_by_subj: broker.ns.subject('dlq.batch-poison') });
    expect(letter?.header.get('Provisio-Error')).toContain('cannot apply poison');
    expect(letter?.header.get('Provisio-Deliveries')).toBe('2');
  });
});
