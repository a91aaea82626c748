import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '@provisio/service-kit';
import { bearer, connectTestBroker, testEnv, testNamespace } from '@provisio/testing';
import { createGateway, gatewayConfigSchema, type Gateway } from '../src/index.js';

const DEAD = 'http://127.0.0.1:1';

describe('gateway protection', () => {
  let gateway: Gateway;
  const ns = testNamespace();

  beforeAll(async () => {
    gateway = await createGateway(
      loadConfig(gatewayConfigSchema, {
        ...testEnv(ns), PROVIDERS_URL: DEAD, ACCOUNTS_URL: DEAD, WORKFLOWS_URL: DEAD, NOTIFICATIONS_URL: DEAD,
        RATE_LIMIT_MAX: '3', CORS_ORIGINS: 'https://console.example.com', WEB_DIST_DIR: './nonexistent',
      }),
      createLogger({ name: 'test', level: 'silent' }),
    );
  });
  afterAll(async () => {
    await gateway?.close();
    await (await connectTestBroker(ns)).cleanup();
  });

  // Each caller has its own budget; past it the answer is 429 RATE_LIMITED with Retry-After.
  it('limits each caller separately', async () => {
    const alice = await bearer('alice', 'co', 'admin');
    const bob = await bearer('bob', 'co', 'admin');
    const statuses = [];
    for (let i = 0; i < 4; i++) statuses.push((await gateway.app.inject({ method: 'GET', url: '/v1/workflows', headers: { authorization: alice } })).statusCode);
    expect(statuses.slice(0, 3)).not.toContain(429);
    const limited = await gateway.app.inject({ method: 'GET', url: '/v1/workflows', headers: { authorization: alice } });
    expect(limited.statusCode).toBe(429);
    expect(limited.json().error.code).toBe('RATE_LIMITED');
    expect(Number(limited.headers['retry-after'])).toBeGreaterThan(0);
    expect((await gateway.app.inject({ method: 'GET', url: '/v1/workflows', headers: { authorization: bob } })).statusCode).not.toBe(429);
  });

  // Browsers from an allowed origin get CORS headers; other origins do not.
  it('allows only the configured origins', async () => {
    const allowed = await gateway.app.inject({ method: 'OPTIONS', url: '/v1/providers', headers: { origin: 'https://console.example.com', 'access-control-request-method': 'GET' } });
    expect(allowed.headers['access-control-allow-origin']).toBe('https://console.example.com');
    const other = await gateway.app.inject({ method: 'OPTIONS', url: '/v1/providers', headers: { origin: 'https://evil.example.com', 'access-control-request-method': 'GET' } });
    expect(other.headers['access-control-allow-origin']).toBeUndefined();
  });

  // A body over 1 MiB is refused before it reaches a service.
  it('limits the body size', async () => {
    const response = await gateway.app.inject({
      method: 'POST', url: '/v1/hr/events', headers: { authorization: await bearer('hris', 'co', 'integration'), 'content-type': 'application/json' },
      payload: JSON.stringify({ events: [{ pad: 'x'.repeat(2 * 1024 * 1024) }] }),
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });
});
