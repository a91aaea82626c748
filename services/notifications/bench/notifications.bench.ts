import { randomUUID } from 'node:crypto';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { bench, describe } from 'vitest';
import { sql } from 'kysely';
import { accountStatusChanged } from '@provisio/contracts';
import { openDatabase } from '@provisio/db';
import { publishEvent } from '@provisio/messaging';
import { createLogger, loadConfig } from '@provisio/service-kit';
import { connectTestBroker, createTestDatabase, natsUrl, testEnv, testNamespace } from '@provisio/testing';
import { createNotificationsService, notificationsConfigSchema } from '../src/index.js';

/**
 * 1,000 hires × 5 provisioning requests = 5,000 `account.status_changed` events. Measures the time until every
 * request is stacked and readable, and per request the delay from the moment its event was handed to the
 * broker to the moment a reader can see its item. Target: all within 10 s, p99 < 500 ms. Two scenarios:
 * - burst: all 5,000 published as fast as the broker takes them (the accounts service's outbox relay emitting
 *   a backlog). Every event waits for the ones ahead of it, so the delays mostly measure the queue.
 * - paced: the same events at 500 per second (5,000 in the 10 s of the target), a steady load: the delays
 *   measure the stacking itself.
 *
 * Runs the service in this process against the real PostgreSQL and NATS (DATABASE_URL, NATS_URL), on a
 * database and NATS namespace of its own, removed afterwards. The events are published from a worker thread
 * (publisher.mjs), as the accounts service publishes from its own process: the publisher's work does not
 * delay the service's event loop.
 */
const HIRES = Number(process.env.BENCH_HIRES ?? 1_000);
const WARM_UP_HIRES = 20;
const REQUESTS_PER_HIRE = 5;
const STACK_BATCH = process.env.BENCH_STACK_BATCH ?? '500';

function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)]!;
}

async function run(scenario: { name: string; ratePerSecond?: number }): Promise<void> {
  const testDb = await createTestDatabase('notif_bench');
  const ns = testNamespace();
  const broker = await connectTestBroker(ns, 'bench');
  const config = loadConfig(notificationsConfigSchema, {
    ...testEnv(ns),
    NOTIFICATIONS_DATABASE_URL: testDb.url,
    NOTIFICATIONS_STACK_BATCH: STACK_BATCH,
  });
  const service = await createNotificationsService(config, createLogger({ name: 'notifications', level: config.LOG_LEVEL }));
  // Checks the result with a connection of its own.
  const reader = await openDatabase<unknown>({ url: testDb.url, maxConnections: 1 });
  try {
    await service.start();
    const companyId = `bench-${randomUUID().slice(0, 8)}`;
    const assigneeId = 'bench-admin';
    const providers = Array.from({ length: REQUESTS_PER_HIRE }, () => randomUUID());
    const start = Date.now();
    const requestsOf = (company: string, prefix: string, hires: number) =>
      Array.from({ length: hires }, (_, hire) => `${prefix}-${hire}`).flatMap((employeeId, hire) =>
        providers.map((providerId, index) =>
          accountStatusChanged.build(
            {
              companyId: company,
              providerId,
              employeeId,
              from: 'no_account',
              to: 'provisioning_requested',
              assigneeId,
              previousAssigneeId: null,
              dueAt: new Date(start + 7 * 86_400_000).toISOString(),
              actorId: 'workflow',
              version: 1,
              at: new Date(start + hire * REQUESTS_PER_HIRE + index).toISOString(),
            },
            { source: 'provisio/accounts' },
          ),
        ),
      );
    const events = requestsOf(companyId, 'hire', HIRES);

    // A running service, not one that has just started: 20 hires of another company first, so the pool's
    // connections, PostgreSQL's caches and plans and the JIT of this process are warm. (Cold, the first batch
    // alone took ~0.9 s here, and every event of the burst queued behind it.)
    const warmUp = requestsOf(`warm-${companyId}`, 'warm', WARM_UP_HIRES);
    await Promise.all(warmUp.map((event) => publishEvent(broker.js, broker.ns, event)));
    while (service.consumers.accounts.stats.applied < warmUp.length) await new Promise((resolve) => setTimeout(resolve, 20));
    await service.runtime.relay.flush();
    const consumed = { ...service.consumers.accounts.stats };
    const stacked = { ...service.stacker.stats };

    const publishedAt = new Map<string, number>();
    const readableAt = new Map<string, number>();
    let waiting = true;
    // A request is readable once the stacker's transaction that stacked it has committed. Every such commit
    // announces the employee's notification on notification.changed with its count of pending items (the relay
    // publishes only committed rows), so the announcement is an upper bound of the moment a reader can see the
    // items: when the count grows by k, the employee's first k unseen requests (they were published together)
    // count as readable. No polling load on the database.
    const eventsOf = new Map<string, string[]>();
    for (const event of events) {
      const list = eventsOf.get(event.data.employeeId) ?? [];
      list.push(`${event.data.employeeId}:${event.data.providerId}`);
      eventsOf.set(event.data.employeeId, list);
    }
    const subscription = broker.nc.subscribe(broker.ns.subject('notification.changed'));
    const watcher = (async () => {
      for await (const message of subscription) {
        const now = performance.timeOrigin + performance.now();
        const { data } = message.json<{ data: { employeeId: string; pendingItems: number } }>();
        for (const key of eventsOf.get(data.employeeId)?.slice(0, data.pendingItems) ?? []) if (!readableAt.has(key)) readableAt.set(key, now);
        if (readableAt.size >= events.length) return;
      }
    })();
    await broker.nc.flush();

    let tRecorded = Number.NaN;
    const recorded = (async () => {
      while (service.consumers.accounts.stats.applied - consumed.applied < events.length && waiting) await new Promise((resolve) => setTimeout(resolve, 5));
      tRecorded = performance.timeOrigin + performance.now();
    })();

    const publisher = new Worker(new URL('./publisher.mjs', import.meta.url), {
      workerData: { natsUrl: natsUrl(), namespace: ns, events, ratePerSecond: scenario.ratePerSecond },
      // Plain Node resolution (the compiled packages), not the test runner's `source` condition.
      execArgv: [],
    });
    const message = () =>
      new Promise<unknown>((resolve, reject) => {
        publisher.once('message', resolve);
        publisher.once('error', reject);
      });
    await message(); // connected
    const cpu0 = process.cpuUsage();
    const finished = message();
    publisher.postMessage('go');
    const { t0, done, publishedAt: at } = (await finished) as { t0: number; done: number; publishedAt: number[] };
    events.forEach((event, index) => publishedAt.set(`${event.data.employeeId}:${event.data.providerId}`, at[index]!));
    const tPublished = done;
    await publisher.terminate();

    const deadline = Date.now() + 120_000;
    while (readableAt.size < events.length && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
    waiting = false;
    subscription.unsubscribe();
    await watcher;
    await recorded;
    const tAll = Math.max(...readableAt.values());
    const batches = service.stacker.stats.batches - stacked.batches;
    const stackedEvents = service.stacker.stats.events - stacked.events;
    const cpu = process.cpuUsage(cpu0);

    const delays = [...publishedAt].flatMap(([key, at]) => (readableAt.has(key) ? [readableAt.get(key)! - at] : [])).sort((a, b) => a - b);
    const { rows: check } = await sql<{ notifications: number; open: number; items: number; per: number[] }>`
      select count(*)::int as notifications,
             count(*) filter (where state = 'open')::int as open,
             (select count(*)::int from notification_items where company_id = ${companyId}) as items,
             array(select distinct count(*)::int from notification_items where company_id = ${companyId} group by notification_id) as per
      from notifications where company_id = ${companyId}`.execute(reader.kysely);
    await service.runtime.relay.flush();
    const changed = await broker.jsm.streams.info(broker.ns.stream('NOTIFICATIONS'));

    const ms = (value: number) => `${value.toFixed(0)} ms`;
    console.log(
      [
        '',
        `notifications bench, ${scenario.name}: ${HIRES} hires × ${REQUESTS_PER_HIRE} requests = ${events.length} account.status_changed events (stacked in batches of up to ${STACK_BATCH})`,
        `  published in             ${ms(tPublished - t0)} (${Math.round(events.length / ((tPublished - t0) / 1000))}/s)`,
        `  all stacked and readable ${readableAt.size === events.length ? ms(tAll - t0) : `NOT DONE: ${readableAt.size}/${events.length} after 120 s`} (${Math.round(readableAt.size / ((tAll - t0) / 1000))} events/s)  target < 10000 ms`,
        `  publish → readable       p50 ${ms(percentile(delays, 50))}  p99 ${ms(percentile(delays, 99))}  max ${ms(delays.at(-1) ?? Number.NaN)}  target p99 < 500 ms`,
        `  result                   ${check[0]!.notifications} notifications (${check[0]!.open} open), ${check[0]!.items} items, items per notification ${JSON.stringify(check[0]!.per)}`,
        `  notification.changed     ${changed.state.messages} events published`,
        `  this process's CPU       ${ms((cpu.user + cpu.system) / 1000)} (${((cpu.user + cpu.system) / 1000 / events.length).toFixed(2)} ms per event, the publisher's thread included); load average ${(await import('node:os')).loadavg()[0]!.toFixed(1)} on ${(await import('node:os')).availableParallelism()} CPUs`,
        `  consumer                 all applied after ${ms(tRecorded - t0)}; applied ${service.consumers.accounts.stats.applied - consumed.applied}, duplicates ${service.consumers.accounts.stats.duplicate - consumed.duplicate}, retried ${service.consumers.accounts.stats.retry - consumed.retry}`,
        `  stacking                 ${batches} batches, ${(stackedEvents / Math.max(1, batches)).toFixed(1)} events per batch (after a warm-up of ${warmUp.length} events)`,
        '',
      ].join('\n'),
    );
  } finally {
    await service.close();
    await reader.close();
    await broker.cleanup();
    await testDb.drop();
  }
}

// One run each. The functions are `async` so that tinybench sees it without calling them to find out.
const once = { iterations: 1, time: 0, warmupIterations: 0, warmupTime: 0 };

describe('notifications', () => {
  bench('stack 1,000 hires × 5 requests, burst', async () => run({ name: 'burst' }), once);
  bench('stack 1,000 hires × 5 requests, paced at 500/s', async () => run({ name: 'paced at 500 events/s', ratePerSecond: 500 }), once);
});
