import { z } from 'zod';

/**
 * The variables telemetry reads. They are read before the service's own config (the SDK starts before the
 * service's modules load), so they are validated here, with the same message shape as the services' config.
 */
export const telemetryConfigSchema = z.object({
  /** The service name on every span and metric; else the process's package name (`@provisio/accounts` → `accounts`). */
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  /** OTLP/HTTP collector; when set, traces and metrics are pushed there. */
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ error: 'must be a URL such as http://127.0.0.1:4318' }).optional(),
  /** A separate listener for `GET /metrics` (Prometheus). Unset: `/metrics` is served on the process's own port. */
  METRICS_PORT: z.coerce
    .number({ error: 'must be a port number' })
    .int({ error: 'must be a port number' })
    .min(1, { error: 'must be between 1 and 65535' })
    .max(65535, { error: 'must be between 1 and 65535' })
    .optional(),
  METRICS_HOST: z.string().min(1).default('0.0.0.0'),
});

export type TelemetryConfig = z.output<typeof telemetryConfigSchema>;

/** Parses the telemetry variables (an empty variable counts as unset); throws naming each bad variable. */
export function loadTelemetryConfig(env: Record<string, string | undefined> = process.env): TelemetryConfig {
  const present = Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined && value !== ''));
  const result = telemetryConfigSchema.safeParse(present);
  if (result.success) return result.data;
  const problems = result.error.issues.map((issue) => `${issue.path.map(String).join('.')}: ${issue.message}`);
  throw new Error(`Invalid telemetry configuration: ${problems.join('; ')}`);
}
