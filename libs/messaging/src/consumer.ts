import { AckPolicy, DeliverPolicy, type ConsumerMessages, type JsMsg } from '@nats-io/jetstream';
import { headers as natsHeaders } from '@nats-io/transport-node';
import { INVALID_SPAN_CONTEXT, trace } from '@opentelemetry/api';
import { sql, type Transaction } from 'kysely';
import type { z } from 'zod';
import { pgArray, type Database } from '@provisio/db';
import {
  consumerMetrics,
  endSpans,
  memoize,
  registerGauges,
  runInSpan,
  startConsumeSpan,
  withConsumeSpan,
  type Span,
} from '@provisio/telemetry';
import type { Broker } from './connection.js';
import { cloudEventSchema, eventKey, type CloudEvent, type EventDefinition } from './cloudevent.js';
import { isNotFound, STREAMS, type StreamName } from './streams.js';

export type Handler<T> = (event: CloudEvent<T>, tx: Transaction<unknown>) => Promise<void>;

/** An event of a batch, with the consumer span it is processed under (for a trace to continue later). */
export interface BatchItem<T> {
  event: CloudEvent<T>;
  span: Span;
}
/** Events a batch handler could not apply yet (something they need has not arrived), and why. */
export interface Deferred<T> {
  later: readonly BatchItem<T>[];
  reason: string;
}
/**
 * Applies the new events of a batch (duplicates removed), in the order they were delivered. It may leave some
 * for later (`Deferred`): those are not recorded processed and are delivered again after a backoff, like a
 * failed message, while the rest of the batch commits.
 */
export type BatchHandler<T> = (items: BatchItem<T>[], tx: Transaction<unknown>) => Promise<void | Deferred<T>>;

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
  /**
   * Applies the messages that are waiting together, up to this many in one transaction (one insert records
   * them processed, each handler sees its events at once), one batch at a time: a single message is handled at
   * once, a backlog in few commits. A batch that fails is applied again message by message, so only a failing
   * message is retried. Without it, messages are handled one transaction each, `concurrency` at a time.
   */
  batchSize?: number;
  /** Called after a transaction that applied at least one new event has committed. */
  onCommit?: () => void;
  ackWaitMs?: number;
}

export type Outcome = 'applied' | 'duplicate' | 'ignored' | 'retry' | 'dead-lettered';
/** What a batch's transaction decided for each of its messages. */
type BatchOutcome = 'applied' | 'duplicate' | 'later';

export interface Consumer {
  /** Registers the handler of one event type; call before `start`. */
  on<S extends z.ZodType>(definition: EventDefinition<string, S>, handler: Handler<z.output<S>>): Consumer;
  /** Registers a handler that takes the new events of a batch at once (see `batchSize`). */
  onBatch<S extends z.ZodType>(definition: EventDefinition<string, S>, handler: BatchHandler<z.output<S>>): Consumer;
  start(): Promise<void>;
  /** Stops pulling, waits for the messages in hand to finish. */
  stop(): Promise<void>;
  /** Counters since start, for metrics and tests. */
  readonly stats: Record<Outcome, number>;
}

/** Each route can take one event or a batch: `on` and `onBatch` handlers are adapted to both. */
interface Route {
  schema: z.ZodType;
  handler: Handler<unknown>;
  batchHandler: BatchHandler<unknown>;
}

interface Readable {
  msg: JsMsg;
  event: CloudEvent;
  route: Route;
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
    const outcome = await db.transaction(async (tx) => {
      const inserted = await sql`insert into processed_events (consumer, event_key) values (${name}, ${eventKey(event)})
        on conflict do nothing`.execute(tx);
      if (Number(inserted.numAffectedRows ?? 0) === 0) return 'duplicate' as const;
      await route.handler(event, tx);
      return 'applied' as const;
    });
    if (outcome === 'applied') options.onCommit?.();
    return outcome;
  }

  /** Parses a message; one that cannot be applied is dead-lettered or (a type without a handler) acknowledged. */
  async function read(msg: JsMsg): Promise<Readable | undefined> {
    metrics.received(msg.info.deliveryCount);
    try {
      const envelope = cloudEventSchema.safeParse(msg.json());
      if (!envelope.success) return void (await deadLetter(msg, `not a CloudEvent: ${envelope.error.message}`));
      const route = routes.get(envelope.data.type);
      if (!route) {
        stats.ignored += 1;
        metrics.finished('ignored');
        msg.ack();
        return undefined;
      }
      const data = route.schema.safeParse(envelope.data.data);
      if (!data.success) return void (await deadLetter(msg, `invalid ${envelope.data.type} data: ${data.error.message}`));
      return { msg, event: { ...envelope.data, data: data.data }, route };
    } catch (error) {
      return void (await deadLetter(msg, `unreadable message: ${error instanceof Error ? error.message : String(error)}`));
    }
  }

  /** Applies one message in its own transaction: ack, nak with backoff, or dead letter after too many tries. */
  async function applyOne({ msg, event, route }: Readable): Promise<void> {
    await withConsumeSpan(msg.subject, name, msg.headers, async (span) => {
      span.setAttribute('messaging.message.id', event.id);
      const started = performance.now();
      try {
        const outcome = await apply(event, route);
        stats[outcome] += 1;
        metrics.finished(outcome, (performance.now() - started) / 1000);
        msg.ack();
        logger.debug({ consumer: name, type: event.type, eventId: event.id, outcome }, 'event handled');
      } catch (error) {
        metrics.finished('failed', (performance.now() - started) / 1000);
        await retryLater(msg, event, error instanceof Error ? error.message : String(error), error);
      }
    });
  }

  /** A message that failed or must wait: delivered again after a backoff, dead-lettered after too many tries. */
  async function retryLater(msg: JsMsg, event: CloudEvent, reason: string, error?: unknown): Promise<void> {
    const deliveries = msg.info.deliveryCount;
    if (deliveries >= maxDeliveries) {
      await deadLetter(msg, reason);
      return;
    }
    const delay = backoffMs[Math.min(deliveries, backoffMs.length) - 1] ?? 1_000;
    stats.retry += 1;
    logger.warn({ consumer: name, type: event.type, eventId: event.id, deliveries, delay, err: error ?? reason }, 'event failed; will retry');
    msg.nak(delay);
  }

  async function handle(msg: JsMsg): Promise<void> {
    const readable = await read(msg);
    if (readable) await applyOne(readable);
  }

  /**
   * Applies messages in one transaction: one insert records the new ones processed (a key seen before, or twice
   * in the batch, is a duplicate), then each handler takes its new events (those it leaves for later are
   * unrecorded again and retried after the commit). If the transaction fails, each message is applied on its
   * own (`applyOne`), so only a failing message is retried or dead-lettered.
   */
  async function handleBatch(batch: readonly JsMsg[]): Promise<void> {
    const ready: Readable[] = [];
    for (const msg of batch) {
      const readable = await read(msg);
      if (readable) ready.push(readable);
    }
    if (ready.length === 0) return;
    const spans = ready.map(({ msg, event }) => {
      const span = startConsumeSpan(msg.subject, name, msg.headers);
      span.setAttribute('messaging.message.id', event.id);
      return span;
    });
    const started = performance.now();
    const keys = ready.map(({ event }) => eventKey(event));
    let outcomes: BatchOutcome[];
    /** Keys of the events left for later, with why: every copy of such an event in the batch waits too. */
    const later = new Map<string, string>();
    try {
      outcomes = await db.transaction(async (tx) => {
        // In key order: two instances given overlapping batches (a redelivery) never wait on each other in a circle.
        const { rows } = await sql<{ event_key: string }>`insert into processed_events (consumer, event_key)
          select ${name}, k from unnest(${pgArray(keys)}::text[]) as k order by k on conflict do nothing returning event_key`.execute(tx);
        const fresh = new Set(rows.map((row) => row.event_key));
        // `delete`: only the first of two equal keys in one batch is new.
        const result: BatchOutcome[] = keys.map((key) => (fresh.delete(key) ? 'applied' : 'duplicate'));
        // By handler, in delivery order: one handler registered for several types gets their events together.
        const byHandler = new Map<BatchHandler<unknown>, BatchItem<unknown>[]>();
        ready.forEach(({ event, route }, index) => {
          if (result[index] !== 'applied') return;
          const items = byHandler.get(route.batchHandler) ?? [];
          items.push({ event, span: spans[index]! });
          byHandler.set(route.batchHandler, items);
        });
        for (const [handler, items] of byHandler) {
          const deferred = await handler(items, tx);
          for (const { event } of deferred?.later ?? []) later.set(eventKey(event), deferred!.reason);
        }
        if (later.size > 0) {
          // Not applied, so not processed: their next delivery applies them. A copy of such an event in this
          // batch (a duplicate, or the same message delivered again) waits with it: acknowledged, it would
          // acknowledge the message that is to come back.
          keys.forEach((key, index) => {
            if (later.has(key)) result[index] = 'later';
          });
          await sql`delete from processed_events where consumer = ${name} and event_key = any(${pgArray([...later.keys()])}::text[])`.execute(tx);
        }
        return result;
      });
    } catch (error) {
      // Not the messages' failure (one of them, or none, failed): each is applied again under a span of its own.
      for (const span of spans) span.addEvent('batch rolled back; applied again on its own');
      endSpans(spans);
      logger.warn({ consumer: name, err: error, messages: ready.length }, 'batch failed; applying its messages one by one');
      for (const readable of ready) await applyOne(readable);
      return;
    }
    endSpans(spans);
    const seconds = (performance.now() - started) / 1000;
    // Acknowledged first, then the ones left for later (dead-lettering one may fail; the others are done).
    for (const [index, { msg }] of ready.entries()) {
      const outcome = outcomes[index]!;
      if (outcome === 'later') continue;
      stats[outcome] += 1;
      metrics.finished(outcome, seconds);
      msg.ack();
    }
    if (outcomes.includes('applied')) options.onCommit?.();
    for (const [index, { msg, event }] of ready.entries()) {
      if (outcomes[index] !== 'later') continue;
      metrics.finished('failed', seconds);
      await retryLater(msg, event, later.get(keys[index]!) ?? 'left for later');
    }
    logger.debug({ consumer: name, messages: ready.length }, 'batch handled');
  }

  /** One message after the other, up to `concurrency` at once. */
  async function consumeEach(iterator: ConsumerMessages): Promise<void> {
    for await (const msg of iterator) {
      while (inFlight.size >= concurrency) await Promise.race(inFlight);
      const task = handle(msg)
        .catch((error) => logger.error({ consumer: name, err: error }, 'message handling failed; it will be redelivered'))
        .finally(() => inFlight.delete(task));
      inFlight.add(task);
    }
  }

  /**
   * What arrives while a batch is applied waits and forms the next batch (one batch at a time), up to two
   * batches; beyond that the client stops taking messages until the batch in hand is done. While a batch runs,
   * the batch and the messages waiting behind it are reported in progress every third of `ack_wait`, so a slow
   * batch does not get them delivered again (harmless, they are deduplicated, but work for nothing) — for at
   * most four times `ack_wait`: a batch stuck longer (a lock, a hung connection) lets JetStream give its
   * messages to another instance.
   */
  async function consumeInBatches(iterator: ConsumerMessages, size: number): Promise<void> {
    const waiting: JsMsg[] = [];
    let inHand: readonly JsMsg[] = [];
    let batchStarted = 0;
    let running: Promise<void> | undefined;
    const ackWaitMs = options.ackWaitMs ?? 30_000;
    const progress = setInterval(() => {
      if (inHand.length === 0 || performance.now() - batchStarted > 4 * ackWaitMs) return;
      for (const msg of inHand) msg.working();
      for (const msg of waiting) msg.working();
    }, Math.max(100, Math.floor(ackWaitMs / 3)));
    progress.unref();
    const drain = async (): Promise<void> => {
      // One turn of the event loop first: what has already been received (a backlog arrives as one pull
      // response) joins the batch instead of the first message going alone.
      await new Promise((resolve) => setImmediate(resolve));
      while (waiting.length > 0) {
        inHand = waiting.splice(0, size);
        batchStarted = performance.now();
        await handleBatch(inHand).catch((error) =>
          logger.error({ consumer: name, err: error }, 'batch handling failed; its messages will be redelivered'),
        );
        inHand = [];
      }
    };
    const start = (): void => {
      running ??= drain().finally(() => {
        running = undefined;
        // A message that arrived between the drain's last look and now would otherwise wait for the next one.
        if (waiting.length > 0) start();
      });
    };
    try {
      for await (const msg of iterator) {
        waiting.push(msg);
        start();
        while (waiting.length >= size * 2 && running) await running;
      }
      while (running) await running;
    } finally {
      clearInterval(progress);
    }
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
      max_ack_pending: Math.max(1_000, concurrency * 4, (options.batchSize ?? 0) * 4),
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
      const one = handler as Handler<unknown>;
      routes.set(definition.type, {
        schema: definition.data,
        handler: one,
        batchHandler: async (items, tx) => {
          for (const { event, span } of items) await runInSpan(span, () => one(event, tx));
        },
      });
      return consumer;
    },
    onBatch(definition, handler) {
      const batch = handler as BatchHandler<unknown>;
      routes.set(definition.type, {
        schema: definition.data,
        batchHandler: batch,
        handler: async (event, tx) => {
          const deferred = await batch([{ event, span: trace.getActiveSpan() ?? trace.wrapSpanContext(INVALID_SPAN_CONTEXT) }], tx);
          // Applied on its own, an event left for later fails its transaction and is retried.
          if (deferred && deferred.later.length > 0) throw new Error(deferred.reason);
        },
      });
      return consumer;
    },
    async start() {
      if (routes.size === 0) throw new Error(`consumer ${name} has no handlers`);
      await ensureConsumer();
      const jsConsumer = await broker.js.consumers.get(broker.ns.stream(options.stream), name);
      const batchSize = options.batchSize;
      messages = await jsConsumer.consume({ max_messages: batchSize ? batchSize * 2 : concurrency * 2 });
      unregisterGauges = observeServerState();
      loop = batchSize ? consumeInBatches(messages, batchSize) : consumeEach(messages);
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
