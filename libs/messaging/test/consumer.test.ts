import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { openDatabase, type Database } from '@provisio/db';
import { connectTestBroker, createTestDatabase, testNamespace, waitFor, type TestDatabase } from '@provisio/testing';
import { z } from 'zod';
import { createConsumer, defineEvent, ensureStreams, messagingMigrations, publishEvent, type Consumer } from '../src/index.js';

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const hired = defineEvent('hr.test_hired', z.object({ companyId: z.string(), who: z.string() }));

describe('idempotent consumer', () => {
  let testDb: TestDatabase;
  let db: Database<unknown>;
  let broker: Awaited<ReturnType<typeof connectTestBroker>>;
  const consumers: Consumer[] = [];

  beforeAll(async () => {
    testDb = await createTestDatabase('consumer');
    db = await openDatabase({ url: testDb.url });
    await db.migrate([messagingMigrations]);
    await sql`create table applied (who text not null)`.execute(db.kysely);
    broker = await connectTestBroker(testNamespace());
    await ensureStreams(broker.jsm, broker.ns, ['HR', 'DEAD_LETTER']);
  });
  afterAll(async () => {
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    await broker.cleanup();
    await db.close();
    await testDb.drop();
  });

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
