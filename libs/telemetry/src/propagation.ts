import {
  context,
  isSpanContextValid,
  propagation,
  ROOT_CONTEXT,
  SpanKind,
  SpanStatusCode,
  trace,
  type Attributes,
  type Context,
  type Link,
  type Span,
} from '@opentelemetry/api';

/** Anything with get/set of string headers: NATS `MsgHdrs`, a plain map. */
export interface HeaderCarrier {
  get(key: string): string;
  set(key: string, value: string): void;
}

/**
 * A service's answer header naming the trace a record began in (W3C traceparent), for a caller that continues
 * it (the gateway completing a notification continues the hire's trace). Internal: the gateway does not pass it on.
 */
export const TRACE_ORIGIN_HEADER = 'provisio-trace-origin';

const tracer = () => trace.getTracer('@provisio/messaging');

/** Writes the active span's `traceparent` (and `tracestate`) into message headers. */
export function injectTraceContext(headers: HeaderCarrier, ctx: Context = context.active()): void {
  propagation.inject(ctx, headers, {
    set: (carrier, key, value) => carrier.set(key, value),
  });
}

/** The context a message's `traceparent` header describes, or the active one when it has none. */
export function extractTraceContext(headers: HeaderCarrier | undefined): Context {
  if (!headers) return context.active();
  return propagation.extract(context.active(), headers, {
    get: (carrier, key) => carrier.get(key) || undefined,
    keys: () => ['traceparent', 'tracestate'],
  });
}

async function inSpan<R>(span: Span, ctx: Context, fn: (span: Span) => Promise<R>): Promise<R> {
  try {
    return await context.with(trace.setSpan(ctx, span), () => fn(span));
  } catch (error) {
    span.recordException(error as Error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    throw error;
  } finally {
    span.end();
  }
}

/** A producer span around one publish; `fn` injects the context into the message it sends. */
export function withPublishSpan<R>(subject: string, fn: (span: Span) => Promise<R>, parent: Context = context.active()): Promise<R> {
  const span = tracer().startSpan(`publish ${subject}`, {
    kind: SpanKind.PRODUCER,
    attributes: { 'messaging.system': 'nats', 'messaging.destination.name': subject, 'messaging.operation.type': 'send' },
  }, parent);
  return inSpan(span, parent, fn);
}

/**
 * A consumer span for one message, a child of the publisher's span carried in the headers. The caller ends it
 * (a batch of messages is processed under one span each, ended at the batch's commit).
 */
export function startConsumeSpan(subject: string, consumer: string, headers: HeaderCarrier | undefined): Span {
  return tracer().startSpan(`process ${subject}`, {
    kind: SpanKind.CONSUMER,
    attributes: {
      'messaging.system': 'nats',
      'messaging.destination.name': subject,
      'messaging.consumer.group.name': consumer,
      'messaging.operation.type': 'process',
    },
  }, extractTraceContext(headers));
}

/** A consumer span for one message around `fn`, a child of the publisher's span carried in the headers. */
export function withConsumeSpan<R>(
  subject: string,
  consumer: string,
  headers: HeaderCarrier | undefined,
  fn: (span: Span) => Promise<R>,
): Promise<R> {
  const parent = extractTraceContext(headers);
  return inSpan(startConsumeSpan(subject, consumer, headers), parent, fn);
}

/** The W3C `traceparent` of the span in `ctx` (null without one, or when no telemetry is started). */
function traceparentIn(ctx: Context): string | null {
  const carrier: Record<string, string> = {};
  propagation.inject(ctx, carrier);
  return carrier.traceparent ?? null;
}

export interface SpanInTraceOptions {
  attributes?: Attributes;
  /** Spans of the work at hand that belong to other traces (a batch span, the request that triggered it). */
  links?: Link[];
}

/** The context a stored `traceparent` names; undefined when there is none or it is not a valid one. */
function storedTrace(traceparent: string | null | undefined): Context | undefined {
  if (!traceparent) return undefined;
  const stored = propagation.extract(ROOT_CONTEXT, { traceparent }, {
    get: (carrier, key) => carrier[key as 'traceparent'],
    keys: () => ['traceparent'],
  });
  const spanContext = trace.getSpanContext(stored);
  return spanContext && isSpanContextValid(spanContext) ? stored : undefined;
}

/**
 * Starts a span in the trace a stored `traceparent` names: work done now (a batch, a later request) on
 * behalf of something that began in that trace. Without a valid stored trace it starts under the active span.
 * The caller ends it.
 */
export function startSpanInTrace(name: string, traceparent: string | null | undefined, options: SpanInTraceOptions = {}): Span {
  const parent = storedTrace(traceparent) ?? context.active();
  return tracer().startSpan(name, { kind: SpanKind.INTERNAL, attributes: options.attributes, links: options.links }, parent);
}

/**
 * Runs `fn` inside a span of the stored trace, linked to the active span: what `fn` calls (HTTP, publishes)
 * continues that trace. Without a valid stored trace, `fn` runs as it would have.
 */
export function withSpanInTrace<R>(name: string, traceparent: string | null | undefined, fn: () => Promise<R>, attributes?: Attributes): Promise<R> {
  const stored = storedTrace(traceparent);
  if (!stored) return fn();
  const current = trace.getSpanContext(context.active());
  const span = tracer().startSpan(name, { kind: SpanKind.INTERNAL, attributes, links: current ? [{ context: current }] : [] }, stored);
  return inSpan(span, context.active(), () => fn());
}

/**
 * The W3C `traceparent` that makes later work a child of `span`: to store with work another transaction or
 * request finishes (a notification), which continues the trace with `startSpanInTrace` / `withSpanInTrace`.
 */
export function traceparentOf(span: Span): string | null {
  return traceparentIn(trace.setSpan(context.active(), span));
}

/** Runs `fn` with `span` active (what it does is traced under it); the caller ends the span. */
export function runInSpan<R>(span: Span, fn: () => Promise<R>): Promise<R> {
  return context.with(trace.setSpan(context.active(), span), fn);
}

/** Ends spans of one piece of work, marked failed with `error` when it failed. */
export function endSpans(spans: readonly Span[], error?: unknown): void {
  for (const span of spans) {
    if (error !== undefined) {
      span.recordException(error instanceof Error ? error : new Error(String(error)));
      span.setStatus({ code: SpanStatusCode.ERROR, message: error instanceof Error ? error.message : String(error) });
    }
    span.end();
  }
}
