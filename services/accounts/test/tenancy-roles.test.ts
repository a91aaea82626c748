import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caller, newCompany, seedHire, seedProvider, seedTermination, startAccounts, type Harness } from './harness.js';

/**
 * Contract section 2 on every endpoint: admins see and act on their own company only; managers read their
 * direct reports and themselves; employees themselves; integrations nothing here. Another company's records
 * are 404, exactly like missing ones.
 */
describe('tenancy and roles', () => {
  let h: Harness;
  const a = newCompany();
  const b = newCompany();
  let providerA: string;
  let providerB: string;

  beforeAll(async () => {
    h = await startAccounts('accounts_tenancy');
    await seedHire(h.service, a, { id: 'a-admin', accessLevel: 'admin', lastName: 'Admin' });
    await seedHire(h.service, a, { id: 'a-mgr', accessLevel: 'manager', lastName: 'Manager' });
    await seedHire(h.service, a, { id: 'a-report', managerId: 'a-mgr', lastName: 'Report' });
    await seedHire(h.service, a, { id: 'a-other', lastName: 'Other' });
    // The same employee id in both companies: each company sees its own person.
    await seedHire(h.service, a, { id: 'shared', firstName: 'Alice', lastName: 'InA', managerId: 'a-mgr' });
    await seedHire(h.service, b, { id: 'b-admin', accessLevel: 'admin' });
    await seedHire(h.service, b, { id: 'shared', firstName: 'Bob', lastName: 'InB' });
    await seedHire(h.service, b, { id: 'b-gone' });
    providerA = (await seedProvider(h.service, a, { name: 'A-App', provisioningAssigneeId: 'a-admin', deprovisioningAssigneeId: 'a-admin' })).providerId;
    providerB = (await seedProvider(h.service, b, { name: 'B-App', provisioningAssigneeId: 'b-admin', deprovisioningAssigneeId: 'b-admin' })).providerId;
    const bAdmin = caller(h.service, b, 'b-admin', 'admin');
    const seeded = await bAdmin.post('/v1/accounts/batch', {
      actions: [
        { providerId: providerB, employeeId: 'shared', action: 'mark-provisioned' },
        { providerId: providerB, employeeId: 'b-gone', action: 'mark-provisioned' },
      ],
    });
    expect(seeded.json().results.every((result: { ok: boolean }) => result.ok)).toBe(true);
    await seedTermination(h.service, b, 'b-gone');
    await caller(h.service, a, 'a-admin', 'admin').post(`/v1/providers/${providerA}/accounts/a-report/mark-provisioned`, {});
  });
  afterAll(() => h.close());

  const endpoints = () => [
    { method: 'GET', url: '/v1/employees' },
    { method: 'GET', url: '/v1/employees/a-report' },
    { method: 'GET', url: '/v1/employees/a-report/accounts' },
    { method: 'GET', url: '/v1/employees/a-report/accounts/history' },
    { method: 'GET', url: `/v1/providers/${providerA}/accounts` },
    { method: 'POST', url: `/v1/providers/${providerA}/accounts/a-other/request-provisioning` },
    { method: 'POST', url: `/v1/providers/${providerA}/accounts/a-other/mark-provisioned` },
    { method: 'POST', url: `/v1/providers/${providerA}/accounts/a-other/request-deprovisioning` },
    { method: 'POST', url: `/v1/providers/${providerA}/accounts/a-other/mark-deprovisioned` },
    { method: 'POST', url: `/v1/providers/${providerA}/accounts/a-other/cancel-request` },
    { method: 'POST', url: '/v1/accounts/batch', body: { actions: [{ providerId: providerA, employeeId: 'a-other', action: 'mark-provisioned' }] } },
    { method: 'GET', url: '/v1/access' },
    { method: 'GET', url: '/v1/access/summary' },
    { method: 'GET', url: '/v1/access/risks' },
  ];

  // Without a valid token nothing under /v1 answers.
  it('answers 401 without a token on every endpoint', async () => {
    for (const endpoint of endpoints()) {
      const response = await h.service.app.inject({ method: endpoint.method as 'GET', url: endpoint.url, ...(endpoint.body ? { payload: endpoint.body } : {}) });
      expect(response.statusCode, endpoint.url).toBe(401);
      expect(response.json().error.code).toBe('UNAUTHENTICATED');
    }
  });

  // An HR integration may only publish HR events: everything here is refused.
  it('answers 403 to an integration on every endpoint', async () => {
    const integration = caller(h.service, a, 'workday', 'integration');
    for (const endpoint of endpoints()) {
      const response = endpoint.method === 'GET' ? await integration.get(endpoint.url) : await integration.post(endpoint.url, endpoint.body ?? {});
      expect(response.statusCode, endpoint.url).toBe(403);
      expect(response.json().error.code).toBe('FORBIDDEN');
    }
  });

  // An employee reads their own profile and accounts, nothing else, and never acts.
  it('lets an employee read only themselves', async () => {
    const employee = caller(h.service, a, 'a-report', 'employee');
    for (const url of ['/v1/employees/a-report', '/v1/employees/a-report/accounts', '/v1/employees/a-report/accounts/history']) {
      expect((await employee.get(url)).statusCode, url).toBe(200);
    }
    for (const url of ['/v1/employees/a-other', '/v1/employees/a-other/accounts', '/v1/employees/a-other/accounts/history']) {
      expect((await employee.get(url)).statusCode, url).toBe(403);
    }
    const adminOnly = endpoints().filter((endpoint) => !endpoint.url.startsWith('/v1/employees/'));
    for (const endpoint of adminOnly) {
      const response = endpoint.method === 'GET' ? await employee.get(endpoint.url) : await employee.post(endpoint.url, endpoint.body ?? {});
      expect(response.statusCode, endpoint.url).toBe(403);
    }
  });

  // A manager lists and reads their direct reports (and themselves), but not others, and has no admin views.
  it('lets a manager read their direct reports only', async () => {
    const manager = caller(h.service, a, 'a-mgr', 'manager');
    const list = await manager.get('/v1/employees');
    expect(list.statusCode).toBe(200);
    expect(list.json().items.map((item: { id: string }) => item.id).sort()).toEqual(['a-report', 'shared']);
    for (const url of ['/v1/employees/a-report', '/v1/employees/a-report/accounts', '/v1/employees/a-report/accounts/history', '/v1/employees/a-mgr/accounts']) {
      expect((await manager.get(url)).statusCode, url).toBe(200);
    }
    for (const url of ['/v1/employees/a-other', '/v1/employees/a-other/accounts', '/v1/employees/a-admin/accounts/history']) {
      expect((await manager.get(url)).statusCode, url).toBe(403);
    }
    for (const endpoint of endpoints().filter((endpoint) => !endpoint.url.startsWith('/v1/employees'))) {
      const response = endpoint.method === 'GET' ? await manager.get(endpoint.url) : await manager.post(endpoint.url, endpoint.body ?? {});
      expect(response.statusCode, endpoint.url).toBe(403);
    }
    // Someone who is not a manager by role does not become one by being named as manager in HR data.
    const asEmployee = caller(h.service, a, 'a-mgr', 'employee');
    expect((await asEmployee.get('/v1/employees/a-report')).statusCode).toBe(403);
  });

  // Another company's provider and employees are not found, on every endpoint that names them.
  it("answers 404 for another company's records", async () => {
    const admin = caller(h.service, a, 'a-admin', 'admin');
    const notFound = [
      await admin.get('/v1/employees/b-admin'),
      await admin.get('/v1/employees/b-gone/accounts'),
      await admin.get('/v1/employees/b-gone/accounts/history'),
      await admin.get(`/v1/providers/${providerB}/accounts`),
      await admin.post(`/v1/providers/${providerB}/accounts/shared/mark-deprovisioned`, {}),
      await admin.post(`/v1/providers/${providerB}/accounts/a-other/mark-provisioned`, {}),
      await admin.post(`/v1/providers/${providerA}/accounts/b-admin/mark-provisioned`, {}),
    ];
    for (const response of notFound) {
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    }
    // Nothing changed in company B.
    const bAccounts = await caller(h.service, b, 'b-admin', 'admin').get(`/v1/providers/${providerB}/accounts`);
    expect(bAccounts.json().items.find((item: { employeeId: string }) => item.employeeId === 'shared')).toMatchObject({ status: 'provisioned', version: 1 });
  });

  // A batch item naming another company's provider fails on its own with NOT_FOUND; the others apply.
  it("fails only the batch items that name another company's provider", async () => {
    const admin = caller(h.service, a, 'a-admin', 'admin');
    const response = await admin.post('/v1/accounts/batch', {
      actions: [
        { providerId: providerA, employeeId: 'shared', action: 'request-provisioning' },
        { providerId: providerB, employeeId: 'shared', action: 'request-deprovisioning' },
        { providerId: providerB, employeeId: 'b-gone', action: 'mark-deprovisioned' },
        { providerId: providerA, employeeId: 'b-admin', action: 'mark-provisioned' },
      ],
    });
    expect(response.statusCode).toBe(200);
    const results = response.json().results;
    expect(results.map((result: { ok: boolean }) => result.ok)).toEqual([true, false, false, false]);
    expect(results.slice(1).map((result: { error: { code: string } }) => result.error.code)).toEqual(['NOT_FOUND', 'NOT_FOUND', 'NOT_FOUND']);
    const risks = await caller(h.service, b, 'b-admin', 'admin').get('/v1/access/risks');
    expect(risks.json().items).toHaveLength(1);
  });

  // Lists and org-wide views show the caller's company only, even where ids collide.
  it("never shows another company's data in lists", async () => {
    const admin = caller(h.service, a, 'a-admin', 'admin');
    const employees = (await admin.get('/v1/employees?limit=500')).json().items;
    expect(employees.map((employee: { id: string }) => employee.id).sort()).toEqual(['a-admin', 'a-mgr', 'a-other', 'a-report', 'shared']);
    expect((await admin.get('/v1/employees/shared')).json()).toMatchObject({ firstName: 'Alice', lastName: 'InA' });
    const access = (await admin.get('/v1/access')).json().items;
    expect(access.every((item: { providerId: string }) => item.providerId === providerA)).toBe(true);
    const summary = (await admin.get('/v1/access/summary')).json().items;
    expect(summary.map((item: { providerId: string }) => item.providerId)).toEqual([providerA]);
    expect((await admin.get('/v1/access/risks')).json().items).toEqual([]);
    const checklist = (await admin.get(`/v1/providers/${providerA}/accounts`)).json().items;
    expect(checklist.find((item: { employeeId: string }) => item.employeeId === 'shared').employee.name).toBe('Alice InA');
    expect((await admin.get('/v1/employees/shared/accounts')).json().items.map((item: { providerId: string }) => item.providerId)).toEqual([providerA]);
  });
});
