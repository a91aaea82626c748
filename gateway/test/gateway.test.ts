import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { AddressInfo } from 'node:net';
import { brotliDecompressSync, gunzipSync } from 'node:zlib';
import { createLogger, loadConfig } from '@provisio/service-kit';
import { createProvidersService, providersConfigSchema, type ProvidersService } from '@provisio/providers';
import { notificationChanged } from '@provisio/contracts';
import { publishEvent } from '@provisio/messaging';
import { anEmployee, bearer, connectTestBroker, createTestDatabase, publishHire, testEnv, testNamespace, waitFor, type TestDatabase } from '@provisio/testing';
import { createGateway, gatewayConfigSchema, type Gateway } from '../src/index.js';

const company = `co-${randomUUID().slice(0, 6)}`;
const logger = createLogger({ name: 'test', level: 'silent' });
const DEAD = 'http://127.0.0.1:1';

describe('gateway', () => {
  let testDb: TestDatabase;
  let broker: Awaited<ReturnType<typeof connectTestBroker>>;
  let providers: ProvidersService;
  let gateway: Gateway;
  let baseUrl: string;
  const admin = anEmployee({ accessLevel: 'admin' });
  let asAdmin: string;

  beforeAll(async () => {
    const ns = testNamespace();
    testDb = await createTestDatabase('gateway');
    broker = await connectTestBroker(ns);
    providers = await createProvidersService(loadConfig(providersConfigSchema, { ...testEnv(ns), PROVIDERS_DATABASE_URL: testDb.url }), logger);
    await providers.start();
    await providers.app.listen({ host: '127.0.0.1', port: 0 });
    const providersUrl = `http://127.0.0.1:${(providers.app.server.address() as AddressInfo).port}`;
    gateway = await createGateway(
      loadConfig(gatewayConfigSchema, {
        ...testEnv(ns), PROVIDERS_URL: providersUrl, ACCOUNTS_URL: DEAD, WORKFLOWS_URL: DEAD, NOTIFICATIONS_URL: DEAD,
        UPSTREAM_TIMEOUT_MS: '2000', SSE_HEARTBEAT_MS: '200', WEB_DIST_DIR: './nonexistent',
      }),
      logger,
    );
    await gateway.start();
    await gateway.app.listen({ host: '127.0.0.1', port: 0 });
    baseUrl = `http://127.0.0.1:${(gateway.app.server.address() as AddressInfo).port}`;
    asAdmin = await bearer(admin.id, company, 'admin');
    await publishHire(broker, company, admin);
  });
  afterAll(async () => {
    await gateway?.close();
    await providers?.close();
    await broker?.cleanup();
    await testDb?.drop();
  });

  const hire = (companyId = company, overrides: Record<string, unknown> = {}) => ({
    specversion: '1.0', id: randomUUID(), source: 'test-hris', type: 'hr.employee.hired', time: new Date().toISOString(),
    data: { companyId, employee: anEmployee() }, ...overrides,
  });
  const post = async (payload: unknown, auth = asAdmin) =>
    gateway.app.inject({ method: 'POST', url: '/v1/hr/events', headers: { authorization: auth }, payload: payload as object });

  async function hrMessages() {
    return (await broker.jsm.streams.info(broker.ns.stream('HR'))).state.messages;
  }

  // HR systems hand in events through the API; each lands on stream HR under its type with its id, in the
  // order of the batch (a hire before its update).
  it('accepts HR events and publishes them to stream HR', async () => {
    const before = await hrMessages();
    const { last_seq: lastSeq } = (await broker.jsm.streams.info(broker.ns.stream('HR'))).state;
    const events = Array.from({ length: 30 }, () => hire());
    const response = await post({ events }, await bearer('hris', company, 'integration'));
    expect(response.statusCode).toBe(202);
    expect(response.json().accepted.map((a: { id: string }) => a.id)).toEqual(events.map((e) => e.id));
    await waitFor(async () => (await hrMessages()) === before + 30, { what: 'thirty messages on HR' });
    const stored = [];
    for (let seq = lastSeq + 1; seq <= lastSeq + 30; seq++) {
      stored.push((await broker.jsm.streams.getMessage(broker.ns.stream('HR'), { seq }))!.json<{ id: string }>().id);
    }
    expect(stored).toEqual(events.map((e) => e.id));

    // The same event again is accepted and stored once.
    expect((await post(events[0])).statusCode).toBe(202);
    expect(await hrMessages()).toBe(before + 30);
  });

  // Two tenants' HR systems may use the same source and id: neither event drops the other.
  it('keeps equal event ids of two companies apart', async () => {
    const before = await hrMessages();
    const shared = { id: `same-${randomUUID()}`, source: 'hris' };
    const other = `other-${randomUUID().slice(0, 6)}`;
    expect((await post({ ...hire(), ...shared }, await bearer('hris', company, 'integration'))).statusCode).toBe(202);
    expect((await post({ ...hire(other), ...shared }, await bearer('hris', other, 'integration'))).statusCode).toBe(202);
    await waitFor(async () => (await hrMessages()) === before + 2, { what: 'both events on HR' });
  });

  // A bad event in a batch refuses the whole batch, naming the field, and publishes nothing.
  it('validates every event before publishing any', async () => {
    const before = await hrMessages();
    const bad = hire(company, { data: { companyId: company, employee: { ...anEmployee(), email: 'not-an-email' } } });
    const response = await post({ events: [hire(), bad, hire(company, { type: 'hr.employee.promoted' })] });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
    expect(response.json().error.details.map((d: { path: string }) => d.path)).toEqual(['events.1.data.employee.email', 'events.2.type']);
    const tooMany = await post({ events: Array.from({ length: 501 }, () => hire()) });
    expect(tooMany.statusCode).toBe(400);
    expect(await hrMessages()).toBe(before);
  });

  // A token may only publish its own company's events, and only admins and integrations may publish.
  it('refuses another company’s events and other roles', async () => {
    const before = await hrMessages();
    expect((await post(hire('someone-else'), await bearer('hris', company, 'integration'))).statusCode).toBe(403);
    expect((await post(hire(), await bearer('e1', company, 'employee'))).statusCode).toBe(403);
    expect((await post(hire(), await bearer('m1', company, 'manager'))).statusCode).toBe(403);
    expect(await hrMessages()).toBe(before);
  });

  // The gateway forwards a service's paths with the caller's token, and refuses a role itself.
  it('forwards to the providers service and enforces roles at the door', async () => {
    const body = { name: `Slack ${randomUUID().slice(0, 4)}`, provisioning: { assigneeId: admin.id }, deprovisioning: { assigneeId: admin.id } };
    const created = await waitFor(async () => {
      const response = await gateway.app.inject({ method: 'POST', url: '/v1/providers', headers: { authorization: asAdmin }, payload: body });
      return response.statusCode === 201 ? response : undefined;
    }, { what: 'the admin to reach the providers roster' });
    const id = created.json().id;
    const read = await gateway.app.inject({ method: 'GET', url: `/v1/providers/${id}`, headers: { authorization: await bearer('e1', company, 'employee') } });
    expect(read.statusCode).toBe(200);
    expect(read.headers.etag).toBe('"1"');
    const denied = await gateway.app.inject({ method: 'DELETE', url: `/v1/providers/${id}`, headers: { authorization: await bearer('e1', company, 'employee') } });
    expect(denied.statusCode).toBe(403);
    const integration = await gateway.app.inject({ method: 'GET', url: `/v1/providers/${id}`, headers: { authorization: await bearer('hris', company, 'integration') } });
    expect(integration.statusCode).toBe(403);
    const missing = await gateway.app.inject({ method: 'GET', url: '/v1/nothing-here', headers: { authorization: asAdmin } });
    expect(missing.statusCode).toBe(404);
    expect(missing.json().error.code).toBe('NOT_FOUND');
  });

  // A service that is down is a quick 503 with Retry-After, never a hang or a stack trace.
  it('answers 503 when a service is down', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/v1/workflows', headers: { authorization: asAdmin } });
    expect(response.statusCode).toBe(503);
    expect(response.headers['retry-after']).toBe('5');
    expect(response.json().error.code).toBe('UNAVAILABLE');
    expect(JSON.stringify(response.json())).not.toMatch(/127\.0\.0\.1|ECONNREFUSED|at .*\.js/);
    const ready = await gateway.app.inject({ method: 'GET', url: '/health/ready' });
    expect(ready.statusCode).toBe(503);
    expect(ready.json().checks).toMatchObject({ nats: 'ok', providers: { status: 'ok' } });
    expect(ready.json().checks.accounts).not.toBe('ok');
  });

  // Every answer carries security headers and a request id.
  // A JSON answer long enough to be worth it (here the events document) goes compressed to a client that accepts
  // Brotli or gzip, and as it is to one that does not; the body is the same JSON either way.
  it('compresses JSON answers for clients that accept it', async () => {
    const plain = await gateway.app.inject({ url: '/asyncapi.json' });
    expect(plain.statusCode).toBe(200);
    expect(plain.headers['content-encoding']).toBeUndefined();
    expect(plain.body.length).toBeGreaterThan(1024);
    for (const [accept, encoding, decode] of [
      ['gzip, deflate, br', 'br', brotliDecompressSync],
      ['gzip', 'gzip', gunzipSync],
    ] as const) {
      const packed = await gateway.app.inject({ url: '/asyncapi.json', headers: { 'accept-encoding': accept } });
      expect(packed.statusCode).toBe(200);
      expect(packed.headers['content-encoding']).toBe(encoding);
      expect(packed.rawPayload.length).toBeLessThan(plain.body.length / 4);
      expect(JSON.parse(decode(packed.rawPayload).toString('utf8'))).toEqual(JSON.parse(plain.body));
    }
  });

  it('sets security headers and request ids', async () => {
    const response = await gateway.app.inject({ method: 'GET', url: '/health/live' });
    expect(response.headers['x-content-type-options']).toBe('nosniff');
    expect(response.headers['x-request-id']).toBeTruthy();
  });

  // The live feed delivers a change to its assignee's stream only, never another assignee's or company's.
  it('streams notification changes to their assignee only', async () => {
    const me = 'assignee-1';
    const controller = new AbortController();
    const response = await fetch(`${baseUrl}/v1/notifications/stream`, { headers: { authorization: await bearer(me, company, 'admin') }, signal: controller.signal });
    expect(response.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = response.body!.getReader();
    let text = '';
    const readUntil = async (needle: string) =>
      waitFor(async () => {
        const { value } = await reader.read();
        text += new TextDecoder().decode(value);
        return text.includes(needle);
      }, { what: needle, timeoutMs: 5_000 });
    await readUntil('event: ready');
    const change = (assigneeId: string, companyId: string) =>
      notificationChanged.build(
        { companyId, notificationId: randomUUID(), assigneeId, employeeId: 'e-9', change: 'created', state: 'open', pendingItems: 1, version: 1 },
        { source: 'test' },
      );
    const others = [change('someone-else', company), change(me, 'other-company')];
    for (const event of others) await publishEvent(broker.js, broker.ns, event);
    const mine = change(me, company);
    await publishEvent(broker.js, broker.ns, mine);
    await readUntil(mine.data.notificationId);
    await readUntil(': heartbeat');
    for (const event of others) expect(text).not.toContain(event.data.notificationId);
    expect(gateway.feed.clientCount()).toBe(1);
    controller.abort();
    await waitFor(() => gateway.feed.clientCount() === 0, { what: 'the listener to be removed' });
  });
});
