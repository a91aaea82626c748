import { context, propagation, SpanKind, SpanStatusCode, trace, type Context, type Span } from '@opentelemetry/api';

/** Anything with get/set of string headers: NATS `MsgHdrs`, a plain map. */
export interface HeaderCarrier {
  get(key: string): string;
  set(key: string, value: string): void;
}

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

/** A consumer span for one message, a child of the publisher's span carried in the headers. */
export function withConsumeSpan<R>(
  subject: string,
  consumer: string,
  headers: HeaderCarrier | undefined,
  fn: (span: Span) => Promise<R>,
): Promise<R> {
  const parent = extractTraceContext(headers);
  const span = tracer().startSpan(`process ${subject}`, {
    kind: SpanKind.CONSUMER,
    attributes: {
      'messaging.system': 'nats',
      'messaging.destination.name': subject,
      'messaging.consumer.group.name': consumer,
      'messaging.operation.type': 'process',
    },
  }, parent);
  return inSpan(span, parent, fn);
}
