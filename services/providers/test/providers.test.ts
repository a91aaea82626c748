import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { openDatabase, type Database } from '@provisio/db';
import { createLogger, loadConfig } from '@provisio/service-kit';
import { anEmployee, bearer, connectTestBroker, createTestDatabase, publishHire, publishTermination, testEnv, testNamespace, waitFor, type TestDatabase } from '@provisio/testing';
import { createProvidersService, providersConfigSchema, type ProvidersService } from '../src/index.js';

const companyA = `co-a-${randomUUID().slice(0, 6)}`;
const companyB = `co-b-${randomUUID().slice(0, 6)}`;

describe('providers service', () => {
  let testDb: TestDatabase;
  let service: ProvidersService;
  let broker: Awaited<ReturnType<typeof connectTestBroker>>;
  const adminA = anEmployee({ accessLevel: 'admin' });
  const admin2A = anEmployee({ accessLevel: 'admin' });
  const employeeA = anEmployee();
  const leaverA = anEmployee({ accessLevel: 'admin' });
  const adminB = anEmployee({ accessLevel: 'admin' });
  let asAdmin: string;
  let asAdminB: string;

  beforeAll(async () => {
    testDb = await createTestDatabase('providers');
    const ns = testNamespace();
    broker = await connectTestBroker(ns);
    const config = loadConfig(providersConfigSchema, { ...testEnv(ns), PROVIDERS_DATABASE_URL: testDb.url });
    service = await createProvidersService(config, createLogger({ name: 'providers', level: 'silent' }));
    await service.start();
    for (const e of [adminA, admin2A, employeeA, leaverA]) await publishHire(broker, companyA, e);
    await publishHire(broker, companyB, adminB);
    await publishTermination(broker, companyA, leaverA.id);
    await waitFor(async () => (await rosterCount()) === 5 && (await terminatedCount()) === 1, { what: 'the roster projection' });
    asAdmin = await bearer(adminA.id, companyA, 'admin');
    asAdminB = await bearer(adminB.id, companyB, 'admin');
  });
  afterAll(async () => {
    await service.close();
    await closeDbHandle();
    await broker.cleanup();
    await testDb.drop();
  });

  let handle: Database<unknown> | undefined;
  async function dbHandle() {
    handle ??= await openDatabase({ url: testDb.url });
    return handle.kysely;
  }
  async function closeDbHandle() {
    await handle?.close();
  }
  async function rosterCount() {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from roster_employees`.execute(await dbHandle());
    return rows[0]!.n;
  }
  async function terminatedCount() {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from roster_employees where status = 'terminated'`.execute(await dbHandle());
    return rows[0]!.n;
  }
  async function providerCount() {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from providers`.execute(await dbHandle());
    return rows[0]!.n;
  }

  const body = (name: string, assignee = adminA.id) => ({
    name,
    website: 'https://slack.com',
    provisioning: { assigneeId: assignee, instructions: 'Invite from the admin console' },
    deprovisioning: { assigneeId: assignee },
  });

  async function create(name: string, auth = asAdmin, payload: object = body(name)) {
    return service.app.inject({ method: 'POST', url: '/v1/providers', headers: { authorization: auth }, payload });
  }

  // An admin registers a provider; it is listed, readable, and its creation is published through the outbox.
  it('creates, lists and reads a provider, and publishes provider.created', async () => {
    const created = await create('Slack');
    expect(created.statusCode).toBe(201);
    const provider = created.json();
    expect(provider).toMatchObject({ name: 'Slack', provisioning: { assigneeId: adminA.id }, archived: false, version: 1 });

    const list = await service.app.inject({ method: 'GET', url: '/v1/providers', headers: { authorization: await bearer(employeeA.id, companyA, 'employee') } });
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((p: { name: string }) => p.name)).toContain('Slack');

    const stored = await waitFor(
      () => broker.jsm.streams.getMessage(broker.ns.stream('PROVIDERS'), { last_by_subj: broker.ns.subject('provider.created') }).catch(() => undefined),
      { what: 'provider.created in the stream' },
    );
    expect(stored.json<{ data: { providerId: string; companyId: string } }>().data).toMatchObject({ providerId: provider.id, companyId: companyA });
  });

  // Names are unique per company whatever their case; another company may use the same name.
  it('refuses a duplicate name in the same company only', async () => {
    await create('Google Workspace');
    const duplicate = await create('google workspace');
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('CONFLICT');
    const other = await create('Google Workspace', asAdminB, body('Google Workspace', adminB.id));
    expect(other.statusCode).toBe(201);
  });

  // Assignees must be active Full Access Admins of the company.
  it.each([
    ['a plain employee', () => employeeA.id],
    ['a terminated admin', () => leaverA.id],
    ['an admin of another company', () => adminB.id],
    ['an unknown person', () => 'nobody'],
  ])('refuses %s as assignee with 422 and writes nothing', async (_label, assignee) => {
    const before = await providerCount();
    const response = await create(`App ${randomUUID()}`, asAdmin, body(`App ${randomUUID()}`, assignee()));
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toMatchObject({ code: 'INVALID_REFERENCE', details: [{ path: 'provisioning.assigneeId' }, { path: 'deprovisioning.assigneeId' }] });
    expect(await providerCount()).toBe(before);
  });

  // Another company's provider is a 404 for read, patch and archive, exactly like a missing one.
  it('hides another company’s provider', async () => {
    const theirs = (await create('Notion', asAdminB, body('Notion', adminB.id))).json();
    for (const [method, payload] of [['GET', undefined], ['PATCH', { name: 'Mine now' }], ['DELETE', undefined]] as const) {
      const response = await service.app.inject({ method, url: `/v1/providers/${theirs.id}`, headers: { authorization: asAdmin }, ...(payload ? { payload } : {}) });
      expect(response.statusCode, method).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    }
    const still = await service.app.inject({ method: 'GET', url: `/v1/providers/${theirs.id}`, headers: { authorization: asAdminB } });
    expect(still.json()).toMatchObject({ name: 'Notion', archived: false });
  });

  // Only admins write providers; managers and employees read; integrations do neither.
  it('enforces roles', async () => {
    const before = await providerCount();
    for (const role of ['manager', 'employee', 'integration'] as const) {
      const response = await create(`Denied ${role}`, await bearer(employeeA.id, companyA, role));
      expect(response.statusCode, role).toBe(403);
      expect(response.json().error.code).toBe('FORBIDDEN');
    }
    const asIntegration = await bearer('hris', companyA, 'integration');
    expect((await service.app.inject({ method: 'GET', url: '/v1/providers', headers: { authorization: asIntegration } })).statusCode).toBe(403);
    expect(await providerCount()).toBe(before);
  });

  // Bad input gets the contract's errors and changes nothing.
  it('rejects unknown, missing and mistyped fields, malformed JSON and oversized bodies', async () => {
    const before = await providerCount();
    const unknownField = await create('X', asAdmin, { ...body('X'), color: 'red' });
    expect(unknownField.statusCode).toBe(400);
    expect(unknownField.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'color' }] });

    const missing = await create('X', asAdmin, { name: 'X', provisioning: { assigneeId: adminA.id } });
    expect(missing.json().error.details).toEqual(expect.arrayContaining([expect.objectContaining({ path: 'deprovisioning' })]));

    const wrongType = await create('X', asAdmin, { ...body('X'), name: 42 });
    expect(wrongType.json().error).toMatchObject({ code: 'VALIDATION_FAILED', details: [{ path: 'name' }] });

    const malformed = await service.app.inject({ method: 'POST', url: '/v1/providers', headers: { authorization: asAdmin, 'content-type': 'application/json' }, payload: '{"name": ' });
    expect(malformed.statusCode).toBe(400);
    expect(malformed.json().error.code).toBe('MALFORMED_REQUEST');

    const huge = await create('X', asAdmin, { ...body('X'), provisioning: { assigneeId: adminA.id, instructions: 'x'.repeat(2 * 1024 * 1024) } });
    expect(huge.statusCode).toBe(413);
    expect(huge.json().error.code).toBe('PAYLOAD_TOO_LARGE');
    expect(await providerCount()).toBe(before);
  });

  // A patch changes only what it names; If-Match with a stale version is refused.
  it('patches partially and refuses stale versions', async () => {
    const provider = (await create('Figma')).json();
    const patched = await service.app.inject({
      method: 'PATCH', url: `/v1/providers/${provider.id}`, headers: { authorization: asAdmin, 'if-match': '"1"' },
      payload: { deprovisioning: { assigneeId: admin2A.id } },
    });
    expect(patched.statusCode).toBe(200);
    expect(patched.json()).toMatchObject({ name: 'Figma', website: 'https://slack.com', provisioning: { assigneeId: adminA.id }, deprovisioning: { assigneeId: admin2A.id }, version: 2 });
    const stale = await service.app.inject({ method: 'PATCH', url: `/v1/providers/${provider.id}`, headers: { authorization: asAdmin, 'if-match': '"1"' }, payload: { name: 'Figma 2' } });
    expect(stale.statusCode).toBe(409);
    expect((await service.app.inject({ method: 'GET', url: `/v1/providers/${provider.id}`, headers: { authorization: asAdmin } })).json().name).toBe('Figma');
  });

  // Archiving removes a provider from the list, frees its name, and keeps it readable.
  it('archives', async () => {
    const provider = (await create('Zoom')).json();
    const archived = await service.app.inject({ method: 'DELETE', url: `/v1/providers/${provider.id}`, headers: { authorization: asAdmin } });
    expect(archived.statusCode).toBe(204);
    const list = await service.app.inject({ method: 'GET', url: '/v1/providers?limit=500', headers: { authorization: asAdmin } });
    expect(list.json().items.map((p: { id: string }) => p.id)).not.toContain(provider.id);
    expect((await service.app.inject({ method: 'GET', url: `/v1/providers/${provider.id}`, headers: { authorization: asAdmin } })).json().archived).toBe(true);
    expect((await create('Zoom')).statusCode).toBe(201);
  });

  // Cursor pagination walks every provider once, in name order.
  it('paginates without repeats or gaps', async () => {
    const company = `co-p-${randomUUID().slice(0, 6)}`;
    const admin = anEmployee({ accessLevel: 'admin' });
    await publishHire(broker, company, admin);
    const auth = await bearer(admin.id, company, 'admin');
    await waitFor(async () => (await create('probe', auth, body('probe', admin.id))).statusCode === 201, { what: 'the admin in the roster' });
    const names = Array.from({ length: 11 }, (_, i) => `app ${String.fromCharCode(97 + (i % 5))} ${i}`);
    for (const name of names) await create(name, auth, body(name, admin.id));
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { name: string }[]; nextCursor: string | null } = (await service.app.inject({
        method: 'GET', url: `/v1/providers?limit=3${cursor ? `&cursor=${cursor}` : ''}`, headers: { authorization: auth },
      })).json();
      seen.push(...page.items.map((p) => p.name));
      cursor = page.nextCursor;
    } while (cursor);
    const all = (await service.app.inject({ method: 'GET', url: '/v1/providers?limit=500', headers: { authorization: auth } })).json();
    expect(seen).toEqual(all.items.map((p: { name: string }) => p.name));
    expect(new Set(seen)).toEqual(new Set([...names, 'probe']));
    // A cursor this API did not hand out is a 400, never an error from the database.
    const forged = Buffer.from(JSON.stringify(['app', 'not-a-uuid'])).toString('base64url');
    const refused = await service.app.inject({ method: 'GET', url: `/v1/providers?cursor=${forged}`, headers: { authorization: auth } });
    expect(refused.statusCode).toBe(400);
    expect(refused.json().error.code).toBe('VALIDATION_FAILED');
  });
});
