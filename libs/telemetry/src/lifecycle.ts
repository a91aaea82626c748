import { registerBusinessGauges, type GaugeDefinition } from './metrics.js';
import { activeTelemetry } from './start.js';

/**
 * What `server.ts` returns to `runService`: the running service, with its business gauges registered, and a
 * `close` that stops reading them first and flushes the last spans and metrics after the service closed.
 */
export function withTelemetry<T extends { close(): Promise<void> }>(service: T, gauges: readonly GaugeDefinition[] = []): T {
  const unregister = registerBusinessGauges(gauges);
  return {
    ...service,
    async close() {
      unregister();
      await service.close();
      await activeTelemetry()?.shutdown();
    },
  };
}
