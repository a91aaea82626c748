export {
  injectTraceContext,
  extractTraceContext,
  withPublishSpan,
  withConsumeSpan,
  startConsumeSpan,
  startSpanInTrace,
  withSpanInTrace,
  traceparentOf,
  runInSpan,
  endSpans,
  TRACE_ORIGIN_HEADER,
  type HeaderCarrier,
  type SpanInTraceOptions,
} from './propagation.js';
export { telemetryConfigSchema, loadTelemetryConfig, type TelemetryConfig } from './config.js';
export { startTelemetry, activeTelemetry, type Telemetry, type TelemetryOptions } from './start.js';
export { fastifyTelemetry } from './fastify.js';
export { withTelemetry } from './lifecycle.js';
export {
  consumerMetrics,
  outboxMetrics,
  recordHttpRequest,
  registerGauges,
  registerBusinessGauges,
  memoize,
  type ConsumerMetrics,
  type ConsumerMetricOutcome,
  type GaugeDefinition,
  type GaugeReading,
} from './metrics.js';
export type { Span } from '@opentelemetry/api';
