import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { sql, type Transaction } from 'kysely';
import type { z } from 'zod';
import type { Database } from '@provisio/db';
import { consumerMetrics, memoize, registerGauges, withConsumeSpan } from '@provisio/telemetry';
import type { Broker } from './connection.js';
import { cloudEventSchema, eventKey, type CloudEvent, type EventDefinition } from './cloudevent.js';
import { isNotFound, STREAMS, type StreamName } from './streams.js';

export type Handler<T> = (event: CloudEvent<T>, tx: Transaction<unknown>) => Promise<void>;

export interface ConsumerLogger {
  debug(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
  warn(obj: object, msg: string): void;
  error(obj: object, msg: string): void;
}

export interface ConsumerOptions {
  broker: Broker;
  db: Database<unknown>;
  logger: ConsumerLogger;
  /** The durable consumer's name. Never rename it: unacknowledged messages are bound to it. */
  name: string;
  stream: StreamName;
  /** Deliveries before a failing message goes to the dead-letter stream. */
  maxDeliveries?: number;
  /**
   * The database behind this consumer is new (its processed events are gone): start the durable consumer
   * again from the beginning of the stream instead of where the old database had got to.
   */
  replayFromStart?: boolean;
  /** Redelivery delay after the n-th failure: `backoffMs[n-1]`, the last value repeating. */
  backoffMs?: readonly number[];
  /** Messages handled at once. Handlers must therefore not depend on the order of events. */
  concurrency?: number;
  ackWaitMs?: number;
}

export type Outcome = 'applied' | 'duplicate' | 'ignored' | 'retry' | 'dead-lettered';

export interface Consumer {
  /** Registers the handler of one event type; call before `start`. */
  on<S extends z.ZodType>(definition: EventDefinition<string, S>, handler: Handler<z.output<S>>): Consumer;
  start(): Promise<void>;
  /** Stops pulling, waits for the messages in hand to finish. */
  stop(): Promise<void>;
  /** Counters since start, for metrics and tests. */
  readonly stats: Record<Outcome, number>;
}

interface Route {
  schema: z.ZodType;
  handler: Handler<unknown>;
}

const encoder = new TextEncoder();

/**
 * A durable JetStream consumer that applies each event exactly once: the event key is recorded in the same
 * transaction as the handler's writes, so a redelivery is a no-op. Per message it decides: ack, retry later
 * (nak with backoff), or give up (the message and its error go to the dead-letter stream, then `term`). An
 * unreadable message is dead-lettered at once; one bad message never blocks the rest.
 */
export function createConsumer(options: ConsumerOptions): Consumer {
  const { broker, db, logger, name } = options;
  const maxDeliveries = options.maxDeliveries ?? 8;
  const backoffMs = options.backoffMs ?? [1_000, 5_000, 15_000, 30_000, 60_000];
  const concurrency = options.concurrency ?? 8;
  const routes = new Map<string, Route>();
  const stats: Record<Outcome, number> = { applied: 0, duplicate: 0, ignored: 0, retry: 0, 'dead-lettered': 0 };
  let messages: ConsumerMessages | undefined;
  let loop: Promise<void> | undefined;
  const inFlight = new Set<Promise<void>>();
  const metrics = consumerMetrics(name, options.stream);
  let unregisterGauges: (() => void) | undefined;

  /** The consumer's backlog on the server, sampled when metrics are collected while it runs. */
  function observeServerState(): () => void {
    const info = memoize(() => broker.jsm.consumers.info(broker.ns.stream(options.stream), name));
    const attributes = { 'messaging.consumer.group.name': name, 'messaging.destination.name': options.stream };
    return registerGauges('@provisio/messaging', [
      {
        name: 'provisio.consumer.lag',
        description: "Messages of the stream matching the consumer's filter that it has not been given yet (num_pending).",
        unit: '{message}',
        read: async () => (await info()).num_pending,
      },
      {
        name: 'provisio.consumer.ack_pending',
        description: 'Messages given to the consumer and not yet acknowledged (in hand or waiting for a retry).',
        unit: '{message}',
        read: async () => (await info()).num_ack_pending,
      },
    ], attributes);
  }

  async function deadLetter(msg: JsMsg, reason: string): Promise<void> {
    const headers = natsHeaders();
    headers.set('Provisio-Consumer', name);
    headers.set('Provisio-Original-Subject', msg.subject);
    headers.set('Provisio-Original-Sequence', String(msg.seq));
    headers.set('Provisio-Deliveries', String(msg.info.deliveryCount));
    headers.set('Provisio-Error', reason.slice(0, 1_000));
    await broker.js.publish(broker.ns.subject(`dlq.${name}`), msg.data.length ? msg.data : encoder.encode(''), {
      headers,
      msgID: `${name}:${msg.info.stream}:${msg.seq}`,
    });
    msg.term(reason.slice(0, 200));
    stats['dead-lettered'] += 1;
    metrics.finished('dead-lettered');
    logger.error({ consumer: name, subject: msg.subject, seq: msg.seq, deliveries: msg.info.deliveryCount, reason }, 'message dead-lettered');
  }

  async function apply(event: CloudEvent, route: Route): Promise<'applied' | 'duplicate'> {
    return db.transaction(async (tx) => {
      const inserted = await sql`insert into processed_events (consumer, event_key) values (${name}, ${eventKey(event)})
        on conflict do nothing`.execute(tx);
      if (Number(inserted.numAffectedRows ?? 0) === 0) return 'duplicate';
      await route.handler(event, tx);
      return 'applied';
    });
  }

  async function handle(msg: JsMsg): Promise<void> {
    let parsed: CloudEvent;
    let route: Route | undefined;
    metrics.received(msg.info.deliveryCount);
    try {
      const envelope = cloudEventSchema.safeParse(msg.json());
      if (!envelope.success) return await deadLetter(msg, `not a CloudEvent: ${envelope.error.message}`);
      route = routes.get(envelope.data.type);
      if (!route) {
        stats.ignored += 1;
        metrics.finished('ignored');
        msg.ack();
        return;
      }
      const data = route.schema.safeParse(envelope.data.data);
      if (!data.success) return await deadLetter(msg, `invalid ${envelope.data.type} data: ${data.error.message}`);
      parsed = { ...envelope.data, data: data.data };
    } catch (error) {
      return await deadLetter(msg, `unreadable message: ${error instanceof Error ? error.message : String(error)}`);
    }

    await withConsumeSpan(msg.subject, name, msg.headers, async (span) => {
      span.setAttribute('messaging.message.id', parsed.id);
      const started = performance.now();
      try {
        const outcome = await apply(parsed, route);
        stats[outcome] += 1;
        metrics.finished(outcome, (performance.now() - started) / 1000);
        msg.ack();
        logger.debug({ consumer: name, type: parsed.type, eventId: parsed.id, outcome }, 'event handled');
      } catch (error) {
        const deliveries = msg.info.deliveryCount;
        const reason = error instanceof Error ? error.message : String(error);
        metrics.finished('failed', (performance.now() - started) / 1000);
        if (deliveries >= maxDeliveries) {
          await deadLetter(msg, reason);
          return;
        }
        const delay = backoffMs[Math.min(deliveries, backoffMs.length) - 1] ?? 1_000;
        stats.retry += 1;
        logger.warn({ consumer: name, type: parsed.type, eventId: parsed.id, deliveries, delay, err: error }, 'event failed; will retry');
        msg.nak(delay);
      }
    });
  }

  async function ensureConsumer(): Promise<void> {
    const stream = broker.ns.stream(options.stream);
    // One filter subject: NATS servers before 2.10 (Debian's 2.9) have no `filter_subjects`. With several
    // types the consumer reads the whole stream and acknowledges the types it has no handler for.
    const types = [...routes.keys()];
    const filter = types.length === 1 ? broker.ns.subject(types[0]!) : broker.ns.subject(STREAMS[options.stream].subjects[0]);
    const config = {
      durable_name: name,
      ack_policy: AckPolicy.Explicit,
      deliver_policy: DeliverPolicy.All,
      ack_wait: (options.ackWaitMs ?? 30_000) * 1e6,
      max_deliver: -1,
      max_ack_pending: Math.max(1_000, concurrency * 4),
      filter_subject: filter,
    };
    if (options.replayFromStart) {
      const deleted = await broker.jsm.consumers.delete(stream, name).catch((error: unknown) => {
        if (isNotFound(error)) return false;
        throw error;
      });
      if (deleted) logger.warn({ consumer: name, stream }, 'new database: the consumer replays its stream from the start');
    }
    try {
      await broker.jsm.consumers.info(stream, name);
      await broker.jsm.consumers.update(stream, name, {
        ack_wait: config.ack_wait,
        max_ack_pending: config.max_ack_pending,
        filter_subject: config.filter_subject,
      });
    } catch (error) {
      if (!isNotFound(error)) throw error;
      await broker.jsm.consumers.add(stream, config);
    }
  }

  const consumer: Consumer = {
    stats,
    on(definition, handler) {
      routes.set(definition.type, { schema: definition.data, handler: handler as Handler<unknown> });
      return consumer;
    },
    async start() {
      if (routes.size === 0) throw new Error(`consumer ${name} has no handlers`);
      await ensureConsumer();
      const jsConsumer = await broker.js.consumers.get(broker.ns.stream(options.stream), name);
      messages = await jsConsumer.consume({ max_messages: concurrency * 2 });
      unregisterGauges = observeServerState();
      const iterator = messages;
      loop = (async () => {
        for await (const msg of iterator) {
          while (inFlight.size >= concurrency) await Promise.race(inFlight);
          const task = handle(msg)
            .catch((error) => logger.error({ consumer: name, err: error }, 'message handling failed; it will be redelivered'))
            .finally(() => inFlight.delete(task));
          inFlight.add(task);
        }
      })();
    },
    async stop() {
      unregisterGauges?.();
      unregisterGauges = undefined;
      await messages?.close();
      await loop;
      await Promise.all(inFlight);
    },
  };
  return consumer;
}
