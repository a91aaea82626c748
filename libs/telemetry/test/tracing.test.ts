import { context, SpanKind, trace } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { defineEvent, emit, publishEvent } from '@provisio/messaging';
import { openRuntime, type Runtime } from '@provisio/service-runtime';
import { createLogger, createServiceApp, createTokenVerifier, type ServiceApp } from '@provisio/service-kit';
import { connectTestBroker, createTestDatabase, natsUrl, TEST_JWT_SECRET, testNamespace, waitFor, type TestDatabase } from '@provisio/testing';
import { startTelemetry, withSpanInTrace, type Telemetry } from '../src/index.js';

const silent = { info() {}, warn() {}, error() {}, debug() {} };
const pinged = defineEvent('hr.trace_pinged', z.object({ companyId: z.string(), label: z.string() }));

describe('one trace from HTTP to the consumer', () => {
  const ns = testNamespace();
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;
  let testDb: TestDatabase;
  let runtime: Runtime<unknown>;
  let app: ServiceApp;
  const handled = new Map<string, string>();

  beforeAll(async () => {
    telemetry = startTelemetry({
      serviceName: 'tracing-test',
      config: { METRICS_HOST: '127.0.0.1' },
      spanProcessors: [new SimpleSpanProcessor({ exporter })],
    });
    testDb = await createTestDatabase('tracing');
    runtime = await openRuntime({
      service: 'tracing',
      databaseUrl: testDb.url,
      dataDir: './data/test',
      natsUrl: natsUrl(),
      natsNamespace: ns,
      migrations: [],
      logger: silent,
      outboxPollIntervalMs: 50,
    });
    runtime.consumer({ name: 'tracing-pings', stream: 'HR' }).on(pinged, async (event) => {
      handled.set(event.data.label, event.id);
    });
    app = await createServiceApp({
      name: 'tracing',
      logger: createLogger({ name: 'tracing', level: 'silent' }),
      verifier: createTokenVerifier({ secret: TEST_JWT_SECRET, issuer: 'provisio', audience: 'provisio-api' }),
      probes: {},
    });
    // What a service route does: the business write and its event in one transaction (the outbox).
    app.post('/pings/:label', async (request, reply) => {
      const { label } = request.params as { label: string };
      await runtime.db.transaction((tx) => emit(tx, pinged.build({ companyId: 'c1', label }, { source: 'test' }), label));
      return reply.code(202).send({ label });
    });
    await app.ready();
    await runtime.start();
  });

  afterAll(async () => {
    await runtime?.close(() => app.close());
    // The runtime's connection is closed now: a connection of its own removes the namespace's streams.
    await (await connectTestBroker(ns)).cleanup();
    await testDb?.drop();
    await telemetry?.shutdown();
  });

  function spansOfTrace(traceId: string): ReadableSpan[] {
    return exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  }

  /** The span and its ancestors, innermost first. */
  function ancestry(span: ReadableSpan): ReadableSpan[] {
    const byId = new Map(spansOfTrace(span.spanContext().traceId).map((each) => [each.spanContext().spanId, each]));
    const chain = [span];
    for (let parent = span.parentSpanContext?.spanId; parent && byId.has(parent); parent = byId.get(parent)!.parentSpanContext?.spanId) {
      chain.push(byId.get(parent)!);
    }
    return chain;
  }

  async function consumeSpanOf(label: string): Promise<ReadableSpan> {
    const eventId = await waitFor(() => handled.get(label), { what: `the consumer to handle ${label}` });
    return waitFor(
      () => exporter.getFinishedSpans().find((span) => span.kind === SpanKind.CONSUMER && span.attributes['messaging.message.id'] === eventId),
      { what: `the consume span of ${label}` },
    );
  }

  // Work done later for a stored trace (a notification's completion) continues that trace, linked to the work at
  // hand; a stored value that is not a valid traceparent changes nothing (no span, no link to a made-up trace).
  it('continues a stored trace, and ignores a malformed one', async () => {
    const stored = '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01';
    const request = trace.getTracer('test').startSpan('request');
    await context.with(trace.setSpan(context.active(), request), async () => {
      await withSpanInTrace('later work', stored, async () => undefined);
      await withSpanInTrace('garbled work', 'not-a-traceparent', async () => undefined);
      await withSpanInTrace('garbled work', '00-00000000000000000000000000000000-0000000000000000-01', async () => undefined);
    });
    request.end();
    const later = exporter.getFinishedSpans().find((span) => span.name === 'later work');
    expect(later?.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    expect(later?.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
    expect(later?.links.map((link) => link.context.spanId)).toEqual([request.spanContext().spanId]);
    expect(exporter.getFinishedSpans().filter((span) => span.name === 'garbled work')).toEqual([]);
  });

  // A consumer's span is the child of the span that published the message: the traceparent header links them.
  it('links the consume span to the publish span', async () => {
    const event = pinged.build({ companyId: 'c1', label: 'direct' }, { source: 'test' });
    await publishEvent(runtime.broker.js, runtime.broker.ns, event);
    const consume = await consumeSpanOf('direct');
    const publish = exporter.getFinishedSpans().find((span) => span.kind === SpanKind.PRODUCER && span.name.endsWith(pinged.type));
    expect(publish).toBeDefined();
    expect(consume.spanContext().traceId).toBe(publish!.spanContext().traceId);
    expect(consume.parentSpanContext?.spanId).toBe(publish!.spanContext().spanId);
    expect(consume.name).toBe(`process ${runtime.broker.ns.subject(pinged.type)}`);
  });

  // An HTTP request that writes an event through the outbox yields one trace: request → handler → publish
  // (by the relay, from the context saved with the row) → consume.
  it('carries the request trace through the outbox and the relay to the consumer', async () => {
    const response = await app.inject({ method: 'POST', url: '/pings/via-http', headers: { traceparent: '00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01' } });
    expect(response.statusCode).toBe(202);
    const consume = await consumeSpanOf('via-http');
    expect(consume.spanContext().traceId).toBe('0af7651916cd43dd8448eb211c80319c');
    const chain = ancestry(consume);
    expect(chain.map((span) => span.kind)).toEqual([SpanKind.CONSUMER, SpanKind.PRODUCER, SpanKind.INTERNAL, SpanKind.SERVER]);
    const [, publish, handler, request] = chain;
    expect(publish!.name).toBe(`publish ${runtime.broker.ns.subject(pinged.type)}`);
    expect(handler!.name).toMatch(/^handler - /);
    expect(request!.attributes['http.route']).toBe('/pings/:label');
    // The caller's span is the root: the trace started outside, in whoever sent the traceparent.
    expect(request!.parentSpanContext?.spanId).toBe('b7ad6b7169203331');
  });
});
