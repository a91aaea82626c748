import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { anEmployee, waitFor } from '@provisio/testing';
import { startSystem, type System } from '../src/system.js';

const company = `acme-${randomUUID().slice(0, 6)}`;
const otherCompany = `globex-${randomUUID().slice(0, 6)}`;
const ada = anEmployee({ id: `ada-${randomUUID().slice(0, 6)}`, firstName: 'Ada', lastName: 'Admin', accessLevel: 'admin', department: 'IT' });
const max = anEmployee({ id: `max-${randomUUID().slice(0, 6)}`, firstName: 'Max', lastName: 'Manager', accessLevel: 'manager', department: 'Engineering' });
const eve = anEmployee({ id: `eve-${randomUUID().slice(0, 6)}`, firstName: 'Eve', lastName: 'Engineer', department: 'Engineering', managerId: max.id });
const sam = anEmployee({ id: `sam-${randomUUID().slice(0, 6)}`, firstName: 'Sam', lastName: 'Sales', department: 'Sales' });
const gus = anEmployee({ id: `gus-${randomUUID().slice(0, 6)}`, firstName: 'Gus', lastName: 'Globex', accessLevel: 'admin' });

const hrEvent = (type: string, data: object) => ({ specversion: '1.0', id: randomUUID(), source: 'e2e-hris', type, time: new Date().toISOString(), data });

describe('the journey, from a hire to a termination, through the public API', () => {
  let system: System;
  let asAda: string;
  let asHris: string;
  let slack: string;
  let github: string;

  beforeAll(async () => {
    system = await startSystem('journey');
    asAda = await system.token(ada.id, company, 'admin');
    asHris = await system.token('hris', company, 'integration');
    const hires = [ada, max, sam].map((employee) => hrEvent('hr.employee.hired', { companyId: company, employee }));
    expect((await system.api('/v1/hr/events', { body: { events: hires }, auth: asHris })).status).toBe(202);
    const globex = await system.token('hris', otherCompany, 'integration');
    expect((await system.api('/v1/hr/events', { body: hrEvent('hr.employee.hired', { companyId: otherCompany, employee: gus }), auth: globex })).status).toBe(202);
  });
  afterAll(async () => {
    await system?.stop();
  });

  /** Retries a request until it gets `status` (projections fill from events, a moment after the write). */
  async function until(status: number, path: string, init: { method?: string; body?: unknown; auth?: string }) {
    return waitFor(async () => {
      const response = await system.api(path, init);
      return response.status === status ? response : undefined;
    }, { what: `${init.method ?? 'GET'} ${path} to answer ${status}`, timeoutMs: 30_000 });
  }

  // An admin registers the apps and builds an onboarding and an offboarding workflow.
  it('sets up providers and workflows', async () => {
    const provider = (name: string) => ({ name, website: `https://${name.toLowerCase()}.com`, provisioning: { assigneeId: ada.id, instructions: `Invite from ${name} admin` }, deprovisioning: { assigneeId: ada.id } });
    slack = (await until(201, '/v1/providers', { body: provider('Slack'), auth: asAda })).body.id;
    github = (await until(201, '/v1/providers', { body: provider('GitHub'), auth: asAda })).body.id;

    const onboarding = await until(201, '/v1/workflows', {
      auth: asAda,
      body: { name: 'Engineering onboarding', kind: 'provisioning', tasks: [{ title: 'Engineering apps', providerIds: [slack, github], due: { days: 0, from: 'start_date' } }], triggers: [{ on: 'hire', match: { department: ['Engineering'] } }] },
    });
    expect(onboarding.body).toMatchObject({ status: 'draft', version: 1 });
    expect((await system.api(`/v1/workflows/${onboarding.body.id}/publish`, { method: 'POST', auth: asAda })).status).toBe(200);

    const offboarding = await until(201, '/v1/workflows', {
      auth: asAda,
      body: { name: 'Offboarding', kind: 'deprovisioning', tasks: [{ title: 'Remove access', providerIds: 'all_with_access' }], triggers: [{ on: 'termination' }] },
    });
    expect((await system.api(`/v1/workflows/${offboarding.body.id}/publish`, { method: 'POST', auth: asAda })).status).toBe(200);
  });

  // A hire starts the matching workflow; the assignee gets one notification with both requests stacked, and
  // completing it provisions the accounts and completes the run.
  it('provisions a new hire from one stacked notification', async () => {
    expect((await system.api('/v1/hr/events', { body: hrEvent('hr.employee.hired', { companyId: company, employee: eve }), auth: asHris })).status).toBe(202);

    const run = await waitFor(async () => (await system.api(`/v1/workflow-runs?employeeId=${eve.id}`, { auth: asAda })).body?.items?.[0], { what: 'a run for the hire', timeoutMs: 30_000 });
    expect(run).toMatchObject({ employeeId: eve.id, trigger: 'hire', status: 'running' });

    const notification = await waitFor(async () => {
      const list = (await system.api('/v1/notifications?state=open', { auth: asAda })).body;
      const mine = list?.items?.filter((n: { employee: { id: string } }) => n.employee.id === eve.id) ?? [];
      return mine.length === 1 && mine[0].items.length === 2 ? mine[0] : undefined;
    }, { what: 'one notification with two stacked requests', timeoutMs: 30_000 });
    expect(notification).toMatchObject({ type: 'provision_requested', title: 'Provision Requested', employee: { id: eve.id, name: 'Eve Engineer' } });
    expect(notification.items.map((item: { providerId: string }) => item.providerId).sort()).toEqual([slack, github].sort());
    expect((await system.api('/v1/notifications/unread-count', { auth: asAda })).body.count).toBeGreaterThanOrEqual(1);

    const completed = await system.api(`/v1/notifications/${notification.id}/complete`, { method: 'POST', body: {}, auth: asAda });
    expect(completed.status).toBe(200);
    expect(completed.body.results.every((result: { ok: boolean }) => result.ok)).toBe(true);

    await waitFor(async () => (await system.api(`/v1/workflow-runs/${run.id}`, { auth: asAda })).body?.status === 'completed', { what: 'the run to complete', timeoutMs: 30_000 });
    await waitFor(async () => (await system.api(`/v1/notifications/${notification.id}`, { auth: asAda })).body?.items?.every((item: { state: string }) => item.state === 'done'), { what: 'the items done' });

    // The new hire sees their accounts on their own profile.
    const asEve = await system.token(eve.id, company, 'employee');
    const profile = await system.api(`/v1/employees/${eve.id}/profile`, { auth: asEve });
    expect(profile.status).toBe(200);
    const statuses = Object.fromEntries(profile.body.accounts.map((a: { provider: { id: string }; status: string }) => [a.provider.id, a.status]));
    expect(statuses).toMatchObject({ [slack]: 'provisioned', [github]: 'provisioned' });
    expect(profile.body.workflowRuns.map((r: { id: string }) => r.id)).toContain(run.id);

    // The provider list counts the provisioned accounts.
    const providers = (await system.api('/v1/providers', { auth: asAda })).body.items;
    expect(providers.find((p: { id: string }) => p.id === slack).counts).toMatchObject({ provisioned: 1 });
  });

  // A hire outside the trigger's match starts nothing.
  it('starts nothing for a hire the trigger does not match', async () => {
    const runs = await system.api(`/v1/workflow-runs?employeeId=${sam.id}`, { auth: asAda });
    expect(runs.body.items).toEqual([]);
  });

  // A termination puts the person on the risks list, starts the offboarding, and once the assignee completes
  // the deprovisioning from the notification no risk is left.
  it('removes access after a termination', async () => {
    expect((await system.api('/v1/hr/events', { body: hrEvent('hr.employee.terminated', { companyId: company, employeeId: eve.id, terminationDate: new Date().toISOString().slice(0, 10) }), auth: asHris })).status).toBe(202);

    const risks = await waitFor(async () => {
      const items = (await system.api('/v1/access/risks', { auth: asAda })).body?.items?.filter((r: { employee: { id: string } }) => r.employee.id === eve.id);
      return items?.length === 2 ? items : undefined;
    }, { what: 'two risks for the leaver', timeoutMs: 30_000 });
    expect(risks[0]).toMatchObject({ employee: { id: eve.id, name: 'Eve Engineer' } });

    const notification = await waitFor(async () => {
      const list = (await system.api('/v1/notifications?state=open', { auth: asAda })).body;
      return list?.items?.find((n: { employee: { id: string }; items: { action: string }[] }) => n.employee.id === eve.id && n.items.length === 2 && n.items.every((i) => i.action === 'deprovision'));
    }, { what: 'a deprovisioning notification with both apps', timeoutMs: 30_000 });
    expect((await system.api(`/v1/notifications/${notification.id}/complete`, { method: 'POST', body: {}, auth: asAda })).status).toBe(200);

    await waitFor(async () => (await system.api('/v1/access/risks', { auth: asAda })).body?.items?.every((r: { employee: { id: string } }) => r.employee.id !== eve.id), { what: 'no risk left', timeoutMs: 30_000 });
    const runs = (await system.api(`/v1/workflow-runs?employeeId=${eve.id}`, { auth: asAda })).body.items;
    await waitFor(async () => {
      const all = (await system.api(`/v1/workflow-runs?employeeId=${eve.id}`, { auth: asAda })).body.items;
      return all.length === 2 && all.every((r: { status: string }) => r.status === 'completed');
    }, { what: 'both runs completed', timeoutMs: 30_000 });
    expect(runs.map((r: { trigger: string }) => r.trigger).sort()).toEqual(['hire', 'termination']);
    const history = (await system.api(`/v1/employees/${eve.id}/accounts/history`, { auth: asAda })).body.items;
    expect(history.filter((h: { to: string }) => h.to === 'deprovisioned')).toHaveLength(2);
  });

  // Every /v1 operation of the composed API is documented: an id, a summary, its answers and schemas.
  it('documents every route and event', async () => {
    const openapi = (await system.api('/openapi.json')).body;
    expect(openapi.openapi).toBe('3.1.0');
    const contractPaths = [
      'post /v1/providers', 'get /v1/providers', 'get /v1/providers/{providerId}', 'patch /v1/providers/{providerId}', 'delete /v1/providers/{providerId}',
      'get /v1/providers/{providerId}/accounts', 'post /v1/accounts/batch', 'get /v1/employees/{employeeId}/accounts', 'get /v1/employees/{employeeId}/accounts/history',
      'get /v1/access', 'get /v1/access/summary', 'get /v1/access/risks', 'get /v1/employees', 'get /v1/employees/{employeeId}', 'get /v1/employees/{employeeId}/profile',
      'post /v1/workflows', 'get /v1/workflows', 'get /v1/workflows/{workflowId}', 'patch /v1/workflows/{workflowId}', 'post /v1/workflows/{workflowId}/publish',
      'post /v1/workflows/{workflowId}/archive', 'post /v1/workflows/{workflowId}/runs', 'get /v1/workflow-runs', 'get /v1/workflow-runs/{runId}', 'post /v1/workflow-runs/{runId}/cancel',
      'get /v1/notifications', 'post /v1/notifications/{notificationId}/read', 'post /v1/notifications/{notificationId}/complete', 'get /v1/notifications/unread-count',
      'get /v1/notifications/stream', 'post /v1/hr/events',
      ...['request-provisioning', 'mark-provisioned', 'request-deprovisioning', 'mark-deprovisioned', 'cancel-request'].map((a) => `post /v1/providers/{providerId}/accounts/{employeeId}/${a}`),
    ];
    const documented = Object.entries(openapi.paths as Record<string, Record<string, any>>).flatMap(([path, item]) => Object.keys(item).map((method) => `${method} ${path}`));
    expect(documented).toEqual(expect.arrayContaining(contractPaths));
    for (const [path, item] of Object.entries(openapi.paths as Record<string, Record<string, any>>)) {
      for (const [method, operation] of Object.entries(item)) {
        const where = `${method.toUpperCase()} ${path}`;
        expect(operation.operationId, where).toBeTruthy();
        expect(operation.summary, where).toBeTruthy();
        const statuses = Object.keys(operation.responses ?? {});
        expect(statuses.some((s) => s.startsWith('2')), where).toBe(true);
        expect(statuses.some((s) => s.startsWith('4')), where).toBe(true);
        for (const status of statuses.filter((s) => s.startsWith('2') && s !== '204')) {
          expect(operation.responses[status].content?.['application/json']?.schema ?? operation.responses[status].content?.['text/event-stream'], `${where} ${status}`).toBeTruthy();
        }
      }
    }
    // The main request bodies carry examples.
    for (const [path, method] of [['/v1/providers', 'post'], ['/v1/workflows', 'post'], ['/v1/hr/events', 'post'], ['/v1/accounts/batch', 'post']] as const) {
      expect(JSON.stringify(openapi.paths[path][method].requestBody), `${method} ${path}`).toMatch(/"examples?"/);
    }
    const asyncapi = (await system.api('/asyncapi.json')).body;
    expect(asyncapi.asyncapi).toBe('3.0.0');
    expect(Object.keys(asyncapi.channels)).toEqual(expect.arrayContaining(['hr.employee.hired', 'account.status_changed', 'workflow.task.overdue', 'notification.changed']));
  });

  // Another company sees none of it.
  it('shows nothing to another company', async () => {
    const asGus = await system.token(gus.id, otherCompany, 'admin');
    expect((await system.api(`/v1/providers/${slack}`, { auth: asGus })).status).toBe(404);
    expect((await system.api(`/v1/providers/${slack}/accounts`, { auth: asGus })).status).toBe(404);
    expect((await system.api(`/v1/employees/${eve.id}/profile`, { auth: asGus })).status).toBe(404);
    expect((await system.api('/v1/providers', { auth: asGus })).body.items).toEqual([]);
    expect((await system.api('/v1/access', { auth: asGus })).body.items).toEqual([]);
    expect((await system.api('/v1/workflows', { auth: asGus })).body.items).toEqual([]);
    expect((await system.api('/v1/notifications?state=all', { auth: asGus })).body.items).toEqual([]);
  });

  // Each role is refused what the contract refuses it.
  it('refuses each role what the contract refuses it', async () => {
    const asMax = await system.token(max.id, company, 'manager');
    const asSam = await system.token(sam.id, company, 'employee');
    const refused: [string, string, string, unknown?][] = [
      [asMax, 'POST', '/v1/providers', { name: 'X', provisioning: { assigneeId: ada.id }, deprovisioning: { assigneeId: ada.id } }],
      [asMax, 'GET', '/v1/access'],
      [asMax, 'GET', `/v1/providers/${slack}/accounts`],
      [asMax, 'POST', `/v1/providers/${slack}/accounts/${sam.id}/request-provisioning`, {}],
      [asMax, 'GET', '/v1/workflows'],
      [asSam, 'GET', '/v1/employees'],
      [asSam, 'GET', '/v1/access/risks'],
      [asSam, 'POST', '/v1/accounts/batch', { actions: [] }],
      [asHris, 'GET', '/v1/providers'],
      [asHris, 'GET', `/v1/employees/${sam.id}`],
    ];
    for (const [auth, method, path, body] of refused) {
      const response = await system.api(path, { method, auth, ...(body === undefined ? {} : { body }) });
      expect(response.status, `${method} ${path}`).toBe(403);
      expect(response.body.error.code).toBe('FORBIDDEN');
    }
    // An employee reads only their own profile; a manager their direct reports.
    expect([403, 404]).toContain((await system.api(`/v1/employees/${max.id}/profile`, { auth: asSam })).status);
    expect((await system.api(`/v1/employees/${sam.id}/profile`, { auth: asSam })).status).toBe(200);
    expect((await system.api(`/v1/employees/${eve.id}/accounts`, { auth: asMax })).status).toBe(200);
    expect([403, 404]).toContain((await system.api(`/v1/employees/${sam.id}/accounts`, { auth: asMax })).status);
  });
});
