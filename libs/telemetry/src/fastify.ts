import type { FastifyInstance } from 'fastify';
import { recordHttpRequest } from './metrics.js';
import { activeTelemetry, isPollingPath } from './start.js';

declare module 'fastify' {
  interface FastifySchema {
    /** Kept out of the OpenAPI document (the flag @fastify/swagger reads). */
    hide?: boolean;
  }
}

/**
 * Telemetry of one Fastify app: a span per request and per hook (@fastify/otel), the HTTP duration
 * histogram per route, and `GET /metrics` when metrics are served on the app's own port. Register it first,
 * before any route (`createServiceApp` does). Without `startTelemetry` in the process it adds nothing.
 */
async function fastifyTelemetryPlugin(app: FastifyInstance): Promise<void> {
  const telemetry = activeTelemetry();
  if (!telemetry) return;
  // Added before @fastify/otel so that it is not wrapped in a span of its own.
  app.addHook('onResponse', async (request, reply) => {
    if (isPollingPath(request.url)) return;
    recordHttpRequest({
      method: request.method,
      route: request.routeOptions.url,
      statusCode: reply.statusCode,
      seconds: reply.elapsedTime / 1000,
    });
  });
  await app.register(telemetry.fastify.plugin());

  if (telemetry.metricsOnAppPort) {
    app.get('/metrics', { schema: { hide: true }, config: { otel: false }, logLevel: 'warn' }, (request, reply) => {
      reply.hijack();
      telemetry.serveMetrics(request.raw, reply.raw);
    });
  }
}

// Not encapsulated: the hooks must see every route of the app.
(fastifyTelemetryPlugin as unknown as Record<symbol, unknown>)[Symbol.for('skip-override')] = true;
(fastifyTelemetryPlugin as unknown as Record<symbol, unknown>)[Symbol.for('fastify.display-name')] = '@provisio/telemetry';

export const fastifyTelemetry = fastifyTelemetryPlugin;
