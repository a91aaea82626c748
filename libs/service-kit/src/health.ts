import type { FastifyPluginAsync } from 'fastify';

/**
 * A readiness probe. It throws (or rejects) when its dependency is down. It may resolve with a detail
 * object `{ status, ...detail }`: `status: 'ok'` counts as up, any other status as down, and the object is
 * reported as is (the gateway reports each service this way). Anything else counts as up and reads `'ok'`.
 * The signal aborts when the probe's time is up.
 */
export type Probe = (signal: AbortSignal) => Promise<unknown>;
export type Probes = Record<string, Probe>;

export type CheckResult = 'ok' | string | { status: string; [detail: string]: unknown };

export interface Readiness {
  status: 'ok' | 'unavailable';
  checks: Record<string, CheckResult>;
}

export const defaultProbeTimeoutMs = 2_000;

interface ProbeOutcome {
  up: boolean;
  result: CheckResult;
}

function isDetail(value: unknown): value is { status: string } {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { status?: unknown }).status === 'string'
  );
}

async function runProbe(probe: Probe, timeoutMs: number): Promise<ProbeOutcome> {
  const controller = new AbortController();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      const error = new Error(`timed out after ${timeoutMs} ms`);
      // Settle first: a probe that resolves as soon as it is aborted must still count as timed out.
      reject(error);
      controller.abort(error);
    }, timeoutMs);
  });
  try {
    const value = await Promise.race([probe(controller.signal), timeout]);
    if (isDetail(value)) return { up: value.status === 'ok', result: value };
    return { up: true, result: 'ok' };
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    // The readiness answer is public: no addresses of the infrastructure in it.
    const safe = (message || 'failed').replace(/\b(?:\d{1,3}\.){3}\d{1,3}(?::\d+)?\b|\[[0-9a-f:]+\](?::\d+)?|\b[\w.-]+:\d{2,5}\b/gi, '<address>');
    return { up: false, result: safe.slice(0, 200) };
  } finally {
    clearTimeout(timer);
  }
}

/** Runs every probe in parallel, each with its own deadline. */
export async function checkReadiness(probes: Probes, timeoutMs = defaultProbeTimeoutMs): Promise<Readiness> {
  const names = Object.keys(probes);
  const outcomes = await Promise.all(names.map((name) => runProbe(probes[name] as Probe, timeoutMs)));
  const checks = Object.fromEntries(names.map((name, index) => [name, (outcomes[index] as ProbeOutcome).result]));
  return { status: outcomes.every((outcome) => outcome.up) ? 'ok' : 'unavailable', checks };
}

export interface HealthRoutesOptions {
  probes: Probes;
  probeTimeoutMs?: number;
}

/** `GET /health/live` (the process answers) and `GET /health/ready` (its dependencies answer). Public. */
export const healthRoutes: FastifyPluginAsync<HealthRoutesOptions> = async (app, { probes, probeTimeoutMs }) => {
  app.get('/health/live', { schema: { hide: true }, logLevel: 'warn' }, async () => ({ status: 'ok' }));

  app.get('/health/ready', { schema: { hide: true }, logLevel: 'warn' }, async (request, reply) => {
    const readiness = await checkReadiness(probes, probeTimeoutMs);
    if (readiness.status !== 'ok') {
      request.log.warn({ checks: readiness.checks }, 'not ready');
      reply.code(503).header('retry-after', '5');
    }
    return readiness;
  });
};
