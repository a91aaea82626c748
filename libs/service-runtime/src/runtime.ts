import { join } from 'node:path';
import { analyzeStaleTables, openDatabase, statisticsNeedRefreshing, type Database, type MigrationSet } from '@provisio/db';
import {
  connectBroker,
  createConsumer,
  createOutboxRelay,
  createWorkLoop,
  ensureStreams,
  messagingMigrations,
  type Broker,
  type Consumer,
  type ConsumerLogger,
  type ConsumerOptions,
  type OutboxRelay,
} from '@provisio/messaging';
import { memoize, registerGauges } from '@provisio/telemetry';

export interface RuntimeOptions {
  /** The service's name: its PGlite folder, its NATS connection name, its pool's application name. */
  service: string;
  /** PostgreSQL URL; when absent, PGlite under `dataDir/<service>`. */
  databaseUrl?: string | undefined;
  dataDir: string;
  natsUrl: string;
  natsNamespace?: string | undefined;
  /** The service's own migrations and the libs' it uses (roster); the outbox's are added first. */
  migrations: MigrationSet[];
  logger: ConsumerLogger;
  outboxPollIntervalMs?: number;
  streamReplicas?: number;
}

export interface Runtime<DB> {
  readonly db: Database<DB>;
  readonly broker: Broker;
  readonly relay: OutboxRelay;
  /** This start created the database: durable consumers replay their streams from the start. */
  readonly freshDatabase: boolean;
  /** Declares a durable consumer; it starts with `start()`. */
  consumer(options: Omit<ConsumerOptions, 'broker' | 'db' | 'logger'>): Consumer;
  readonly consumers: readonly Consumer[];
  /** Readiness probes: the database and NATS answer. */
  readonly probes: Record<string, () => Promise<unknown>>;
  /** Starts the relay and every consumer. */
  start(): Promise<void>;
  /**
   * Stops consuming (in-flight messages finish), stops the relay, runs `beforeDisconnect` (close the HTTP
   * server there), then drains NATS and closes the pool.
   */
  close(beforeDisconnect?: () => Promise<void>): Promise<void>;
}

/**
 * What every service needs below its domain: its database with migrations applied, the broker with the
 * streams declared, the outbox relay and its consumers. A database or broker that cannot be reached fails
 * here, and the process refuses to start.
 */
export async function openRuntime<DB>(options: RuntimeOptions): Promise<Runtime<DB>> {
  const db = await openDatabase<DB>({
    url: options.databaseUrl,
    dataDir: join(options.dataDir, options.service),
    applicationName: options.service,
  });
  let broker: Broker;
  let freshDatabase = false;
  try {
    const applied = await db.migrate([messagingMigrations, ...options.migrations]);
    // This start created the processed-events table: whatever the durable consumers had acknowledged was
    // applied to a database that is gone (a reset, a restore of an empty one), so they replay their streams.
    freshDatabase = applied.includes('messaging/1_outbox');
    broker = await connectBroker({ url: options.natsUrl, name: options.service, namespace: options.natsNamespace });
    await ensureStreams(broker.jsm, broker.ns, undefined, { replicas: options.streamReplicas ?? 1 });
  } catch (error) {
    await db.close();
    throw error;
  }
  const relay = createOutboxRelay({
    db: db as Database<unknown>,
    js: broker.js,
    ns: broker.ns,
    logger: options.logger,
    ...(options.outboxPollIntervalMs === undefined ? {} : { pollIntervalMs: options.outboxPollIntervalMs }),
  });
  const consumers: Consumer[] = [];
  // Planner statistics where autovacuum does not keep them (PGlite, or autovacuum off): see libs/db auto-analyze.
  const statistics = createWorkLoop({
    work: async () => {
      const tables = await analyzeStaleTables(db as Database<unknown>);
      if (tables.length > 0) options.logger.debug({ tables }, 'statistics refreshed');
    },
    pollIntervalMs: 15_000,
    onError: (error, failures) => options.logger.warn({ err: error, failures }, 'refreshing statistics failed; will try again'),
  });
  let closed = false;

  // The outbox's backlog, sampled when metrics are collected (each consumer samples its own lag).
  const readBacklog = memoize(() => relay.backlog());
  const unregisterGauges = registerGauges('@provisio/messaging', [
    {
      name: 'provisio.outbox.backlog',
      description: 'Outbox rows committed but not yet published.',
      unit: '{event}',
      read: async () => (await readBacklog()).count,
    },
    {
      name: 'provisio.outbox.oldest_age',
      description: 'Age of the oldest outbox row not yet published (0 when the outbox is empty).',
      unit: 's',
      read: async () => (await readBacklog()).oldestAgeSeconds,
    },
  ]);

  return {
    db,
    broker,
    relay,
    freshDatabase,
    consumers,
    consumer(consumerOptions) {
      const consumer = createConsumer({ replayFromStart: freshDatabase, ...consumerOptions, broker, db: db as Database<unknown>, logger: options.logger });
      consumers.push(consumer);
      return consumer;
    },
    probes: {
      database: () => db.ping(),
      nats: () => broker.ping(),
    },
    async start() {
      await relay.start();
      for (const consumer of consumers) await consumer.start();
      if (await statisticsNeedRefreshing(db as Database<unknown>)) statistics.start();
    },
    async close(beforeDisconnect) {
      if (closed) return;
      closed = true;
      unregisterGauges();
      await statistics.stop();
      await Promise.all(consumers.map((consumer) => consumer.stop()));
      await relay.stop();
      await beforeDisconnect?.();
      await broker.drain();
      await db.close();
    },
  };
}
