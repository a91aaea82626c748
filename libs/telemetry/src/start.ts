import type { IncomingMessage, ServerResponse } from 'node:http';
import { FastifyOtelInstrumentation } from '@fastify/otel';
import { context, metrics, propagation, trace } from '@opentelemetry/api';
import { OTLPMetricExporter } from '@opentelemetry/exporter-metrics-otlp-http';
import { PrometheusExporter } from '@opentelemetry/exporter-prometheus';
import { OTLPTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { PinoInstrumentation } from '@opentelemetry/instrumentation-pino';
import { UndiciInstrumentation } from '@opentelemetry/instrumentation-undici';
import { AggregationType, PeriodicExportingMetricReader, type IMetricReader } from '@opentelemetry/sdk-metrics';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { BatchSpanProcessor, NoopSpanProcessor, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { loadTelemetryConfig, type TelemetryConfig } from './config.js';

export interface TelemetryOptions {
  /** `service.name` of every span and metric. */
  serviceName: string;
  /** The telemetry variables; read from the environment when absent. */
  config?: TelemetryConfig;
  /** More span processors, e.g. a test's in-memory exporter. */
  spanProcessors?: SpanProcessor[];
}

export interface Telemetry {
  readonly serviceName: string;
  /** True when `GET /metrics` belongs on the process's own HTTP port (no METRICS_PORT). */
  readonly metricsOnAppPort: boolean;
  /** Writes the Prometheus text exposition of every metric to a Node response. */
  serveMetrics(request: IncomingMessage, response: ServerResponse): void;
  /** The @fastify/otel instrumentation; `fastifyTelemetry` registers its plugin on each app. */
  readonly fastify: FastifyOtelInstrumentation;
  /** Flushes spans and metrics and stops the exporters (and the metrics listener). */
  shutdown(): Promise<void>;
}

/** Paths operators poll; they would drown the traces that matter. */
export function isPollingPath(url: string | undefined): boolean {
  if (!url) return false;
  const path = url.split('?', 1)[0]!;
  return path.startsWith('/health/') || path === '/metrics';
}

let active: Telemetry | undefined;

/** The running telemetry, if `startTelemetry` ran in this process. */
export function activeTelemetry(): Telemetry | undefined {
  return active;
}

/**
 * Starts the OpenTelemetry NodeSDK once per process: W3C trace context propagation, spans for HTTP (in and
 * out, fetch included), PostgreSQL and Fastify routes, trace ids in pino lines, and metrics readable by
 * Prometheus (and pushed over OTLP). Spans leave the process only when OTEL_EXPORTER_OTLP_ENDPOINT is set;
 * without it they are still created, so `traceparent` flows and log lines carry trace ids.
 *
 * ESM: the module hooks must be in place before pg and pino load; run the process with
 * `node --import @provisio/telemetry/register`, which calls this before the service's modules load.
 */
export function startTelemetry(options: TelemetryOptions): Telemetry {
  if (active) return active;
  const config = options.config ?? loadTelemetryConfig();
  const endpoint = config.OTEL_EXPORTER_OTLP_ENDPOINT?.replace(/\/+$/, '');

  const spanProcessors: SpanProcessor[] = [...(options.spanProcessors ?? [])];
  if (endpoint) spanProcessors.push(new BatchSpanProcessor({ exporter: new OTLPTraceExporter({ url: `${endpoint}/v1/traces` }) }));
  // A tracer provider with nowhere to send spans still gives every request a trace id to propagate and log.
  if (spanProcessors.length === 0) spanProcessors.push(new NoopSpanProcessor());

  const prometheus = new PrometheusExporter(
    {
      // Every series says which service it comes from, whoever scrapes it.
      withResourceConstantLabels: /^service\.name$/,
      ...(config.METRICS_PORT === undefined ? { preventServerStart: true } : { host: config.METRICS_HOST, port: config.METRICS_PORT }),
    },
    (error) => {
      // The listener is not essential to serving requests: say so loudly, keep running.
      if (error) process.stderr.write(`${JSON.stringify({ level: 50, service: options.serviceName, msg: `metrics listener failed: ${error.message}` })}\n`);
    },
  );
  const metricReaders: IMetricReader[] = [prometheus];
  if (endpoint) {
    metricReaders.push(
      new PeriodicExportingMetricReader({ exporter: new OTLPMetricExporter({ url: `${endpoint}/v1/metrics` }), exportIntervalMillis: 15_000 }),
    );
  }

  const fastify = new FastifyOtelInstrumentation({
    registerOnInitialization: false,
    ignorePaths: (route: { url?: string }) => isPollingPath(route.url),
  });
  const sdk = new NodeSDK({
    serviceName: options.serviceName,
    spanProcessors,
    metricReaders,
    // Logs stay on stdout (with trace ids); nothing is sent as OTLP logs.
    logRecordProcessors: [],
    views: [
      // HTTP server duration is recorded per Fastify route by `fastifyTelemetry`, with the route template;
      // the http instrumentation's copy would count every request twice.
      { meterName: '@opentelemetry/instrumentation-http', instrumentName: 'http.server.request.duration', aggregation: { type: AggregationType.DROP } },
    ],
    instrumentations: [
      new HttpInstrumentation({ ignoreIncomingRequestHook: (request) => isPollingPath(request.url) }),
      new UndiciInstrumentation(),
      // Spans only inside a trace: the outbox relay's polling would otherwise start a trace every second.
      new PgInstrumentation({ requireParentSpan: true, ignoreConnectSpans: true }),
      new PinoInstrumentation({ disableLogSending: true }),
      fastify,
    ],
  });
  sdk.start();

  const telemetry: Telemetry = {
    serviceName: options.serviceName,
    metricsOnAppPort: config.METRICS_PORT === undefined,
    serveMetrics: (request, response) => prometheus.getMetricsRequestHandler(request, response),
    fastify,
    async shutdown() {
      if (active === telemetry) active = undefined;
      await sdk.shutdown();
      // Unregisters the global providers too, so a test can start telemetry again in the same process.
      trace.disable();
      metrics.disable();
      context.disable();
      propagation.disable();
    },
  };
  active = telemetry;
  return telemetry;
}
