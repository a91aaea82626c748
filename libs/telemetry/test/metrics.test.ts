import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent, emit } from '@provisio/messaging';
import { openRuntime, type Runtime } from '@provisio/service-runtime';
import { createLogger, createServiceApp, createTokenVerifier, type ServiceApp } from '@provisio/service-kit';
import { connectTestBroker, createTestDatabase, natsUrl, TEST_JWT_SECRET, testNamespace, waitFor, type TestDatabase } from '@provisio/testing';
import { registerBusinessGauges, startTelemetry, type Telemetry } from '../src/index.js';

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const counted = defineEvent('hr.metrics_counted', z.object({ companyId: z.string(), n: z.number() }));

/** The sum of every series of `name` whose labels include `labels`, in a Prometheus text exposition. */
function valueOf(exposition: string, name: string, labels: Record<string, string> = {}): number | undefined {
  let total: number | undefined;
  for (const line of exposition.split('\n')) {
    const match = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match || match[1] !== name) continue;
    const seen = new Map([...(match[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((pair) => [pair[1]!, pair[2]!]));
    if (Object.entries(labels).every(([key, value]) => seen.get(key) === value)) total = (total ?? 0) + Number(match[3]);
  }
  return total;
}

describe('metrics endpoint', () => {
  const ns = testNamespace();
  let telemetry: Telemetry;
  let testDb: TestDatabase;
  let runtime: Runtime<unknown>;
  let app: ServiceApp;
  let openGate: () => void = () => undefined;
  const gate = new Promise<void>((resolve) => (openGate = resolve));
  let unregisterGauges: () => void = () => undefined;

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'metrics-test', config: { METRICS_HOST: '127.0.0.1' } });
    testDb = await createTestDatabase('metrics');
    runtime = await openRuntime({
      service: 'metrics',
      databaseUrl: testDb.url,
      dataDir: './data/test',
      natsUrl: natsUrl(),
      natsNamespace: ns,
      migrations: [],
      logger: silent,
      outboxPollIntervalMs: 50,
    });
    runtime.consumer({ name: 'metrics-counter', stream: 'HR', concurrency: 1, maxDeliveries: 2, backoffMs: [20] }).on(counted, async (event) => {
      await gate;
      if (event.data.n < 0) throw new Error('negative numbers are poison');
    });
    app = await createServiceApp({
      name: 'metrics',
      logger: createLogger({ name: 'metrics', level: 'silent' }),
      verifier: createTokenVerifier({ secret: TEST_JWT_SECRET, issuer: 'provisio', audience: 'provisio-api' }),
      probes: {},
    });
    app.get('/things/:id', async (request, reply) => reply.code((request.params as { id: string }).id === 'broken' ? 500 : 200).send({}));
    await app.ready();
    // A business figure read by a query at each scrape, as services register theirs.
    unregisterGauges = registerBusinessGauges([
      {
        name: 'provisio.test.processed_events',
        description: 'events this test consumer applied',
        read: async () => {
          const { rows } = await sql<{ count: number }>`select count(*)::int as count from processed_events`.execute(runtime.db.kysely);
          return rows[0]!.count;
        },
      },
    ]);
    await runtime.start();
  });

  afterAll(async () => {
    openGate();
    unregisterGauges();
    await runtime?.close(() => app.close());
    // The runtime's connection is closed now: a connection of its own removes the namespace's streams.
    await (await connectTestBroker(ns)).cleanup();
    await testDb?.drop();
    await telemetry?.shutdown();
  });

  async function scrape(): Promise<string> {
    const response = await app.inject({ method: 'GET', url: '/metrics' });
    expect(response.statusCode).toBe(200);
    return response.body;
  }

  const consumerLabels = { messaging_consumer_group_name: 'metrics-counter', messaging_destination_name: 'HR' };

  // During a burst the outbox backlog, the relay's count, the consumer's lag and its outcomes all move, and
  // settle when the burst is through.
  it('shows the outbox and consumer figures moving through a burst', async () => {
    const before = await scrape();
    expect(valueOf(before, 'provisio_outbox_backlog')).toBe(0);
    expect(valueOf(before, 'provisio_consumer_lag', consumerLabels)).toBe(0);
    expect(valueOf(before, 'provisio_test_processed_events')).toBe(0);

    // 1. Committed but not published: the relay is stopped, the rows wait.
    await runtime.relay.stop();
    await runtime.db.transaction(async (tx) => {
      for (let n = 1; n <= 20; n += 1) await emit(tx, counted.build({ companyId: 'c1', n }, { source: 'test' }), `agg-${n}`);
      await emit(tx, counted.build({ companyId: 'c1', n: -1 }, { source: 'test' }), 'agg-poison');
    });
    const waiting = await scrape();
    expect(valueOf(waiting, 'provisio_outbox_backlog')).toBe(21);
    expect(valueOf(waiting, 'provisio_outbox_oldest_age')).toBeGreaterThanOrEqual(0);

    // 2. Published, but the consumer is held: the outbox is empty and the stream holds the lag.
    await runtime.relay.start();
    await runtime.relay.flush();
    const held = await waitFor(
      async () => {
        const text = await scrape();
        return (valueOf(text, 'provisio_consumer_lag', consumerLabels) ?? 0) > 0 ? text : undefined;
      },
      { what: 'the consumer lag to show the held messages' },
    );
    expect(valueOf(held, 'provisio_outbox_backlog')).toBe(0);
    expect(valueOf(held, 'provisio_outbox_published_total')).toBe(21);
    expect(valueOf(held, 'provisio_consumer_ack_pending', consumerLabels)).toBeGreaterThan(0);

    // 3. Released: everything is applied, the poison message fails twice and is dead-lettered.
    openGate();
    const done = await waitFor(
      async () => {
        const text = await scrape();
        return valueOf(text, 'provisio_consumer_dead_lettered_total', consumerLabels) === 1 &&
          valueOf(text, 'provisio_consumer_processed_total', { ...consumerLabels, outcome: 'applied' }) === 20
          ? text
          : undefined;
      },
      { what: 'the burst to be consumed', timeoutMs: 20_000 },
    );
    expect(valueOf(done, 'provisio_consumer_failed_total', consumerLabels)).toBe(2);
    expect(valueOf(done, 'provisio_consumer_redelivered_total', consumerLabels)).toBe(1);
    expect(valueOf(done, 'provisio_consumer_duration_count', consumerLabels)).toBe(22);
    expect(valueOf(done, 'provisio_consumer_lag', consumerLabels)).toBe(0);
    expect(valueOf(done, 'provisio_test_processed_events')).toBe(20);
  });

  // Rate, errors and latency per route come from one histogram labelled with the route template.
  it('counts HTTP requests per route and status', async () => {
    for (const id of ['a', 'b', 'broken']) await app.inject({ method: 'GET', url: `/things/${id}` });
    const text = await scrape();
    const route = { http_route: '/things/:id', http_request_method: 'GET' };
    expect(valueOf(text, 'http_server_request_duration_count', { ...route, http_response_status_code: '200' })).toBe(2);
    expect(valueOf(text, 'http_server_request_duration_count', { ...route, error_type: '500' })).toBe(1);
    expect(valueOf(text, 'http_server_request_duration_count', { http_route: '/metrics' })).toBeUndefined();
    expect(text).toContain('service_name="metrics-test"');
  });
});
