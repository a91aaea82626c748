import { context } from '@opentelemetry/api';
import { sql } from 'kysely';
import type { JetStreamClient } from '@nats-io/jetstream';
import { pgArray, type Database } from '@provisio/db';
import { extractTraceContext, outboxMetrics } from '@provisio/telemetry';
import type { CloudEvent } from './cloudevent.js';
import type { Namespace } from './namespace.js';
import { OUTBOX_CHANNEL } from './outbox.js';
import { publishEvent } from './publish.js';
import { createWorkLoop } from './work-loop.js';

interface OutboxRow {
  seq: number;
  event: CloudEvent;
  trace_headers: Record<string, string>;
}

export interface OutboxRelayOptions {
  db: Database<unknown>;
  js: JetStreamClient;
  ns: Namespace;
  logger: { info(obj: object, msg: string): void; warn(obj: object, msg: string): void; error(obj: object, msg: string): void };
  batchSize?: number;
  /** How often it looks for rows when no NOTIFY woke it (a NOTIFY can be missed across reconnects). */
  pollIntervalMs?: number;
}

export interface OutboxRelay {
  start(): Promise<void>;
  /** Publishes everything committed so far; resolves when the outbox was empty once. */
  flush(): Promise<void>;
  /** Finishes the batch in flight and stops. */
  stop(): Promise<void>;
  /** Rows waiting and the age of the oldest, for metrics and readiness. */
  backlog(): Promise<{ count: number; oldestAgeSeconds: number }>;
}

/**
 * Publishes outbox rows in commit order. One relay at a time works on a database (a transaction-level
 * advisory lock), which keeps the order of each aggregate's events even with several instances running.
 * A crash after publishing but before deleting republishes the rows; JetStream drops them by `msgID`.
 */
export function createOutboxRelay(options: OutboxRelayOptions): OutboxRelay {
  const { db, js, ns, logger } = options;
  const batchSize = options.batchSize ?? 200;
  const pollIntervalMs = options.pollIntervalMs ?? 1_000;
  let unlisten: (() => Promise<void>) | undefined;

  /** Publishes one batch; returns how many rows it published, or -1 when another relay holds the lock. */
  async function publishBatch(): Promise<number> {
    return db.transaction(async (tx) => {
      const lock = await sql<{ locked: boolean }>`select pg_try_advisory_xact_lock(hashtext('provisio.outbox')) as locked`.execute(tx);
      if (!lock.rows[0]?.locked) return -1;
      const { rows } = await sql<OutboxRow>`select seq, event, trace_headers from outbox order by seq limit ${batchSize}`.execute(tx);
      if (rows.length === 0) return 0;
      // Sends are pipelined on one connection, so the server stores them in this order.
      const results = await Promise.allSettled(
        rows.map((row) => context.with(extractTraceContext(headerCarrier(row.trace_headers)), () => publishEvent(js, ns, row.event))),
      );
      const firstFailure = results.findIndex((result) => result.status === 'rejected');
      const published = firstFailure === -1 ? rows.length : firstFailure;
      if (published > 0) {
        // Exactly the rows published: a range (`seq <= n`) would also take rows that committed after the
        // select with a lower seq (sequence order is not commit order), and those were never published.
        const seqs = rows.slice(0, published).map((row) => row.seq);
        await sql`delete from outbox where seq = any(${pgArray(seqs)}::bigint[])`.execute(tx);
      }
      outboxMetrics.published(published);
      if (firstFailure !== -1) {
        outboxMetrics.publishFailed();
        const reason = (results[firstFailure] as PromiseRejectedResult).reason;
        logger.warn({ err: reason, published, waiting: rows.length - published }, 'outbox publish failed; will retry');
        if (published === 0) throw reason;
      }
      return published;
    });
  }

  /** Publishes until the outbox is empty; `waitForLock` waits out another relay instead of leaving it the work. */
  async function drainOutbox(waitForLock: boolean): Promise<void> {
    for (;;) {
      const published = await publishBatch();
      if (published === -1 && waitForLock) {
        await new Promise((resolve) => setTimeout(resolve, 20));
        continue;
      }
      if (published < batchSize) return;
    }
  }

  const loop = createWorkLoop({
    work: () => drainOutbox(false),
    pollIntervalMs,
    onError: (error, failures) => logger.error({ err: error, failures }, 'outbox relay batch failed'),
  });

  return {
    async start() {
      if (unlisten) return;
      unlisten = await db.listen(OUTBOX_CHANNEL, () => loop.wake());
      loop.start();
    },
    async flush() {
      await drainOutbox(true);
    },
    async stop() {
      await loop.stop();
      await unlisten?.();
    },
    async backlog() {
      const { rows } = await sql<{ count: number; oldest: number | null }>`
        select count(*)::int as count, extract(epoch from now() - min(created_at))::float as oldest from outbox`.execute(db.kysely);
      return { count: rows[0]?.count ?? 0, oldestAgeSeconds: rows[0]?.oldest ?? 0 };
    },
  };
}

function headerCarrier(values: Record<string, string>) {
  return { get: (key: string) => values[key] ?? '', set: (key: string, value: string) => void (values[key] = value) };
}
