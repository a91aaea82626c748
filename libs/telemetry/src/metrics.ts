import { metrics, type Attributes, type Meter, type MeterProvider, type ObservableGauge } from '@opentelemetry/api';

/**
 * The instruments of one meter, created on first use against the meter provider of that moment: the metrics
 * API has no proxy, so an instrument made before `startTelemetry` would stay a no-op forever.
 */
function lazyInstruments<T>(meterName: string, create: (meter: Meter) => T): () => T {
  let cached: { provider: MeterProvider; instruments: T } | undefined;
  return () => {
    const provider = metrics.getMeterProvider();
    if (cached?.provider !== provider) cached = { provider, instruments: create(provider.getMeter(meterName)) };
    return cached.instruments;
  };
}

// ---------------------------------------------------------------------------------------------- HTTP

const httpInstruments = lazyInstruments('@provisio/http', (meter) => ({
  duration: meter.createHistogram('http.server.request.duration', {
    description: 'Duration of HTTP requests, per route, method and status code (rate and errors come from its count).',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10] },
  }),
}));

/** One answered HTTP request; `route` is the route template (`/v1/providers/:providerId`), never the raw path. */
export function recordHttpRequest(request: { method: string; route: string | undefined; statusCode: number; seconds: number }): void {
  const attributes: Attributes = { 'http.request.method': request.method, 'http.response.status_code': request.statusCode };
  if (request.route) attributes['http.route'] = request.route;
  if (request.statusCode >= 500) attributes['error.type'] = String(request.statusCode);
  httpInstruments().duration.record(request.seconds, attributes);
}

// ----------------------------------------------------------------------------------------- Messaging

const messagingInstruments = lazyInstruments('@provisio/messaging', (meter) => ({
  processed: meter.createCounter('provisio.consumer.processed', {
    description: 'Messages a consumer finished: applied, duplicate (already applied) or ignored (no handler).',
    unit: '{message}',
  }),
  failed: meter.createCounter('provisio.consumer.failed', {
    description: 'Handler attempts that threw; the message is retried later or, at the last delivery, dead-lettered.',
    unit: '{message}',
  }),
  redelivered: meter.createCounter('provisio.consumer.redelivered', {
    description: 'Deliveries after the first (a retry, or an ack that did not arrive in time).',
    unit: '{message}',
  }),
  deadLettered: meter.createCounter('provisio.consumer.dead_lettered', {
    description: 'Messages a consumer gave up on and moved to the dead-letter stream.',
    unit: '{message}',
  }),
  duration: meter.createHistogram('provisio.consumer.duration', {
    description: 'Time to handle one message, its database transaction included.',
    unit: 's',
    advice: { explicitBucketBoundaries: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5] },
  }),
  published: meter.createCounter('provisio.outbox.published', {
    description: 'Outbox rows the relay published to JetStream.',
    unit: '{event}',
  }),
  publishFailures: meter.createCounter('provisio.outbox.publish_failures', {
    description: 'Relay batches that stopped on a failed publish (retried with backoff).',
    unit: '{batch}',
  }),
}));

/** `failed`: the handler threw (the message is retried, or dead-lettered at its last delivery). */
export type ConsumerMetricOutcome = 'applied' | 'duplicate' | 'ignored' | 'failed' | 'dead-lettered';

/** Metrics of one durable consumer. */
export interface ConsumerMetrics {
  /** A message arrived; deliveries after the first count as redelivered. */
  received(deliveryCount: number): void;
  /** A message ended its delivery with this outcome; `seconds` when a handler ran. */
  finished(outcome: ConsumerMetricOutcome, seconds?: number): void;
}

export function consumerMetrics(consumer: string, stream: string): ConsumerMetrics {
  const attributes: Attributes = { 'messaging.consumer.group.name': consumer, 'messaging.destination.name': stream };
  return {
    received(deliveryCount) {
      if (deliveryCount > 1) messagingInstruments().redelivered.add(1, attributes);
    },
    finished(outcome, seconds) {
      const instruments = messagingInstruments();
      if (seconds !== undefined) instruments.duration.record(seconds, attributes);
      if (outcome === 'failed') instruments.failed.add(1, attributes);
      else if (outcome === 'dead-lettered') instruments.deadLettered.add(1, attributes);
      else instruments.processed.add(1, { ...attributes, outcome });
    },
  };
}

/** Metrics of the outbox relay. */
export const outboxMetrics = {
  published(count: number): void {
    if (count > 0) messagingInstruments().published.add(count);
  },
  publishFailed(): void {
    messagingInstruments().publishFailures.add(1);
  },
};

// -------------------------------------------------------------------------------------------- Gauges

export interface GaugeReading {
  value: number;
  attributes?: Attributes;
}

/** A figure read when metrics are collected (a scrape, an OTLP export), e.g. by a read-only query. */
export interface GaugeDefinition {
  /** Dot-separated, e.g. `provisio.accounts.open_requests` (Prometheus: `provisio_accounts_open_requests`). */
  name: string;
  description: string;
  unit?: string;
  /** One number, or one per attribute set (`[{ value: 3, attributes: { status: 'provisioning_requested' } }]`). */
  read: () => Promise<number | readonly GaugeReading[]>;
}

/** How long one reading may take before the collection goes on without it. */
const gaugeReadTimeoutMs = 5_000;

const gaugeInstruments = new Map<string, { provider: MeterProvider; gauge: ObservableGauge }>();

function gaugeInstrument(meterName: string, definition: GaugeDefinition): ObservableGauge {
  const provider = metrics.getMeterProvider();
  const key = `${meterName}\u0000${definition.name}`;
  const cached = gaugeInstruments.get(key);
  if (cached?.provider === provider) return cached.gauge;
  const gauge = provider.getMeter(meterName).createObservableGauge(definition.name, {
    description: definition.description,
    ...(definition.unit === undefined ? {} : { unit: definition.unit }),
  });
  gaugeInstruments.set(key, { provider, gauge });
  return gauge;
}

function withTimeout<T>(promise: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what} took longer than ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Registers gauges read at each collection; `attributes` are added to every reading (e.g. the service).
 * Returns the function that unregisters them: call it before closing what `read` uses.
 */
export function registerGauges(meterName: string, definitions: readonly GaugeDefinition[], attributes: Attributes = {}): () => void {
  const registered = definitions.map((definition) => {
    const gauge = gaugeInstrument(meterName, definition);
    const callback = async (result: { observe(value: number, attributes?: Attributes): void }) => {
      const reading = await withTimeout(definition.read(), gaugeReadTimeoutMs, `gauge ${definition.name}`);
      if (typeof reading === 'number') result.observe(reading, attributes);
      else for (const { value, attributes: own } of reading) result.observe(value, { ...attributes, ...own });
    };
    gauge.addCallback(callback);
    return { gauge, callback };
  });
  return () => {
    for (const { gauge, callback } of registered) gauge.removeCallback(callback);
  };
}

/**
 * Figures an operator puts on a dashboard (open requests, overdue tasks, risks), each read by its service
 * with a read-only query when metrics are collected. Keep the queries cheap and their labels few: never a
 * company or employee id as an attribute.
 */
export function registerBusinessGauges(definitions: readonly GaugeDefinition[]): () => void {
  return registerGauges('@provisio/business', definitions);
}

/**
 * Shares one read between the gauges that need the same query: the SDK runs the callbacks of a collection
 * together, so they all get the read in flight; the next collection reads afresh.
 */
export function memoize<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | undefined;
  return () => {
    inFlight ??= read().finally(() => {
      inFlight = undefined;
    });
    return inFlight;
  };
}
