import { describe, expect, it } from 'vitest';
import { buildDemoApp } from './demo-app.js';

describe('health routes', () => {
  // Liveness says only that the process answers.
  it('answers live', async () => {
    const { app } = await buildDemoApp();
    const response = await app.inject({ url: '/health/live' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({ status: 'ok' });
    await app.close();
  });

  // Ready when every probe answers; detail objects from a probe are reported as they are.
  it('answers ready when all probes pass', async () => {
    const { app } = await buildDemoApp({
      probes: {
        database: async () => undefined,
        accounts: async () => ({ status: 'ok', version: '1.0.0' }),
      },
    });
    const response = await app.inject({ url: '/health/ready' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toEqual({
      status: 'ok',
      checks: { database: 'ok', accounts: { status: 'ok', version: '1.0.0' } },
    });
    await app.close();
  });

  // A failing probe makes the process unready, with the failure's message; the others still report.
  it('answers 503 when a probe fails', async () => {
    const { app } = await buildDemoApp({
      probes: {
        database: async () => {
          throw new Error('database refused the connection');
        },
        nats: async () => undefined,
        workflows: async () => ({ status: 'unavailable', reason: 'not ready' }),
      },
    });
    const response = await app.inject({ url: '/health/ready' });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json()).toEqual({
      status: 'unavailable',
      checks: {
        database: 'database refused the connection',
        nats: 'ok',
        workflows: { status: 'unavailable', reason: 'not ready' },
      },
    });
    await app.close();
  });

  // A probe that hangs is cut off at its deadline (200 ms in the demo app, 2 s by default): never a hang.
  it('answers 503 when a probe hangs past its timeout', async () => {
    let aborted = false;
    const { app } = await buildDemoApp({
      probes: {
        nats: (signal) =>
          new Promise((resolve) => {
            signal.addEventListener('abort', () => {
              aborted = true;
              resolve(undefined);
            });
          }),
        database: () => new Promise(() => {}),
      },
    });
    const started = Date.now();
    const response = await app.inject({ url: '/health/ready' });
    expect(Date.now() - started).toBeLessThan(2_000);
    expect(response.statusCode).toBe(503);
    expect(response.json().checks).toEqual({ nats: 'timed out after 200 ms', database: 'timed out after 200 ms' });
    expect(aborted).toBe(true);
    await app.close();
  });
});
