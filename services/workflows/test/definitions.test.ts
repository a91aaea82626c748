import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { providerArchived } from '@provisio/contracts';
import { publishEvent } from '@provisio/messaging';
import { anEmployee, publishHire, publishTermination, waitFor } from '@provisio/testing';
import { aProvider, call, newCompany, rosterHas, startHarness, type Caller, type Harness } from './harness.js';

describe('workflow definitions', () => {
  let harness: Harness;
  const companyA = newCompany('a');
  const companyB = newCompany('b');
  const adminA = anEmployee({ accessLevel: 'admin' });
  const employeeA = anEmployee();
  const leaverA = anEmployee({ accessLevel: 'admin' });
  const adminB = anEmployee({ accessLevel: 'admin' });
  let admin: Caller;
  let otherAdmin: Caller;
  let slack: string;
  let github: string;
  let archivedApp: string;
  let providerOfB: string;

  beforeAll(async () => {
    harness = await startHarness('wf_definitions');
    for (const employee of [adminA, employeeA, leaverA]) await publishHire(harness.broker, companyA, employee);
    await publishHire(harness.broker, companyB, adminB);
    await publishTermination(harness.broker, companyA, leaverA.id);
    await rosterHas(harness, companyA, leaverA.id, 'terminated');
    await rosterHas(harness, companyA, employeeA.id);
    await rosterHas(harness, companyA, adminA.id);
    await rosterHas(harness, companyB, adminB.id);
    admin = { id: adminA.id, companyId: companyA, role: 'admin' };
    otherAdmin = { id: adminB.id, companyId: companyB, role: 'admin' };
    slack = await aProvider(harness, companyA, { name: 'Slack' });
    github = await aProvider(harness, companyA, { name: 'GitHub' });
    archivedApp = await aProvider(harness, companyA, { archived: true });
    providerOfB = await aProvider(harness, companyB);
  });
  afterAll(async () => {
    await harness?.close();
  });

  const provisioning = (name: string, extra: Record<string, unknown> = {}) => ({
    name,
    kind: 'provisioning',
    description: 'Engineers get their tools',
    tasks: [{ title: 'Core tools', providerIds: [slack, github], assigneeId: adminA.id, due: { days: -2, from: 'start_date' } }],
    triggers: [{ on: 'hire', match: { department: ['Engineering'] } }],
    ...extra,
  });

  // A new workflow is a draft at version 1 with the tasks and triggers as given.
  it('creates a draft at version 1 and reads it back with its versions', async () => {
    const created = await call(harness, admin, 'POST', '/v1/workflows', provisioning('Engineering onboarding'));
    expect(created.statusCode).toBe(201);
    const workflow = created.json();
    expect(workflow).toMatchObject({
      name: 'Engineering onboarding',
      kind: 'provisioning',
      status: 'draft',
      version: 1,
      publishedVersion: null,
      tasks: [{ title: 'Core tools', providerIds: [slack, github], assigneeId: adminA.id, due: { days: -2, from: 'start_date' } }],
      triggers: [{ on: 'hire', match: { department: ['Engineering'] } }],
    });
    const read = await call(harness, admin, 'GET', `/v1/workflows/${workflow.id}`);
    expect(read.statusCode).toBe(200);
    expect(read.json().versions).toMatchObject([{ version: 1, status: 'draft', publishedAt: null }]);
    const list = await call(harness, admin, 'GET', '/v1/workflows?kind=provisioning');
    expect(list.json().items.map((item: { id: string }) => item.id)).toContain(workflow.id);
  });

  // Draft → published → edited (a new draft version; the published one stays) → published again → archived.
  it('versions a published workflow instead of changing it, and refuses to publish twice', async () => {
    const { id } = (await call(harness, admin, 'POST', '/v1/workflows', provisioning('Sales onboarding'))).json();
    const draftEdit = await call(harness, admin, 'PATCH', `/v1/workflows/${id}`, { description: 'still a draft' });
    expect(draftEdit.json()).toMatchObject({ version: 1, status: 'draft', description: 'still a draft' });

    const published = await call(harness, admin, 'POST', `/v1/workflows/${id}/publish`);
    expect(published.statusCode).toBe(200);
    expect(published.json()).toMatchObject({ status: 'published', version: 1, publishedVersion: 1, hasUnpublishedChanges: false });
    const again = await call(harness, admin, 'POST', `/v1/workflows/${id}/publish`);
    expect(again.statusCode).toBe(409);
    expect(again.json().error.code).toBe('CONFLICT');

    const edited = await call(harness, admin, 'PATCH', `/v1/workflows/${id}`, { tasks: [{ providerIds: [github] }] }, { 'if-match': '"1"' });
    expect(edited.statusCode).toBe(200);
    expect(edited.json()).toMatchObject({ status: 'published', version: 2, publishedVersion: 1, hasUnpublishedChanges: true, tasks: [{ providerIds: [github], title: 'Provision accounts', assigneeId: null, due: null }] });
    const stale = await call(harness, admin, 'PATCH', `/v1/workflows/${id}`, { description: 'stale' }, { 'if-match': '"1"' });
    expect(stale.statusCode).toBe(409);

    const detail = (await call(harness, admin, 'GET', `/v1/workflows/${id}`)).json();
    expect(detail.versions).toMatchObject([
      { version: 2, status: 'draft', tasks: [{ providerIds: [github] }] },
      { version: 1, status: 'published', tasks: [{ providerIds: [slack, github] }] },
    ]);

    expect((await call(harness, admin, 'POST', `/v1/workflows/${id}/publish`)).json()).toMatchObject({ version: 2, publishedVersion: 2, hasUnpublishedChanges: false });
    const history = (await call(harness, admin, 'GET', `/v1/workflows/${id}`)).json().versions;
    expect(history.map((v: { status: string }) => v.status)).toEqual(['published', 'superseded']);

    const archived = await call(harness, admin, 'POST', `/v1/workflows/${id}/archive`);
    expect(archived.json()).toMatchObject({ status: 'archived' });
    expect((await call(harness, admin, 'PATCH', `/v1/workflows/${id}`, { description: 'x' })).statusCode).toBe(409);
    expect((await call(harness, admin, 'POST', `/v1/workflows/${id}/publish`)).statusCode).toBe(409);
    // The name is free again once archived.
    expect((await call(harness, admin, 'POST', '/v1/workflows', provisioning('Sales onboarding'))).statusCode).toBe(201);
  });

  // Names are unique per company whatever their case; another company may use the same name.
  it('refuses a duplicate name in the same company only', async () => {
    expect((await call(harness, admin, 'POST', '/v1/workflows', provisioning('Design onboarding'))).statusCode).toBe(201);
    const duplicate = await call(harness, admin, 'POST', '/v1/workflows', provisioning('DESIGN ONBOARDING'));
    expect(duplicate.statusCode).toBe(409);
    expect(duplicate.json().error.code).toBe('CONFLICT');
    const other = await call(harness, otherAdmin, 'POST', '/v1/workflows', { ...provisioning('Design onboarding'), tasks: [{ providerIds: [providerOfB] }] });
    expect(other.statusCode).toBe(201);
  });

  // Unknown or archived providers and assignees who are not active admins are refused at save (422).
  it.each([
    ['an unknown provider', () => ({ providerIds: [randomUUID()] }), 'tasks.0.providerIds.0'],
    ['an archived provider', () => ({ providerIds: [slack, archivedApp] }), 'tasks.0.providerIds.1'],
    ['another company’s provider', () => ({ providerIds: [providerOfB] }), 'tasks.0.providerIds.0'],
    ['a plain employee as assignee', () => ({ providerIds: [slack], assigneeId: employeeA.id }), 'tasks.0.assigneeId'],
    ['a terminated admin as assignee', () => ({ providerIds: [slack], assigneeId: leaverA.id }), 'tasks.0.assigneeId'],
    ['another company’s admin as assignee', () => ({ providerIds: [slack], assigneeId: adminB.id }), 'tasks.0.assigneeId'],
  ])('refuses %s with 422 INVALID_REFERENCE', async (_label, task, path) => {
    const response = await call(harness, admin, 'POST', '/v1/workflows', provisioning(`Bad ${randomUUID()}`, { tasks: [task()] }));
    expect(response.statusCode).toBe(422);
    expect(response.json().error).toMatchObject({ code: 'INVALID_REFERENCE', details: [{ path }] });
  });

  // Edits and publishing check references again: a provider archived since the draft blocks publishing.
  it('checks references on edit and on publish', async () => {
    const doomed = await aProvider(harness, companyA);
    const { id } = (await call(harness, admin, 'POST', '/v1/workflows', provisioning(`Doomed ${randomUUID()}`, { tasks: [{ providerIds: [doomed] }] }))).json();
    const badEdit = await call(harness, admin, 'PATCH', `/v1/workflows/${id}`, { tasks: [{ providerIds: [randomUUID()] }] });
    expect(badEdit.statusCode).toBe(422);
    await publishEvent(harness.broker.js, harness.broker.ns, providerArchived.build(
      { companyId: companyA, providerId: doomed, name: 'x', logoUrl: null, provisioningAssigneeId: 'a', deprovisioningAssigneeId: 'a', archived: true, version: 5 },
      { source: 'test-providers' },
    ));
    await waitFor(async () => {
      const { rows } = await sql<{ archived: boolean }>`select archived from provider_projection where id = ${doomed}`.execute(harness.service.runtime.db.kysely);
      return rows[0]?.archived === true;
    }, { what: 'the provider to be archived in the projection' });
    const response = await call(harness, admin, 'POST', `/v1/workflows/${id}/publish`);
    expect(response.statusCode).toBe(422);
    expect(response.json().error.details).toMatchObject([{ path: 'tasks.0.providerIds.0' }]);
  });

  // Bodies are strict and cross-field rules hold: all_with_access only deprovisions, triggers fit the kind.
  it.each([
    ['an unknown field', { color: 'red' }, 'color'],
    ['a missing kind', { kind: undefined }, 'kind'],
    ['no tasks', { tasks: [] }, 'tasks'],
    ['a non-integer due', { tasks: [{ providerIds: ['00000000-0000-4000-8000-000000000000'], due: { days: 1.5, from: 'trigger' } }] }, 'tasks.0.due.days'],
    ['an unknown field in a task', { tasks: [{ providerIds: ['00000000-0000-4000-8000-000000000000'], owner: 'x' }] }, 'tasks.0.owner'],
    ['all_with_access on provisioning', { tasks: [{ providerIds: 'all_with_access' }] }, 'tasks.0.providerIds'],
    ['a termination trigger on provisioning', { triggers: [{ on: 'termination' }] }, 'triggers.0.on'],
    ['a termination date on provisioning', { tasks: [{ providerIds: ['00000000-0000-4000-8000-000000000000'], due: { days: 0, from: 'termination_date' } }] }, 'tasks.0.due.from'],
  ])('refuses %s with 400 VALIDATION_FAILED', async (_label, change, path) => {
    const response = await call(harness, admin, 'POST', '/v1/workflows', provisioning(`Invalid ${randomUUID()}`, change));
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
    expect(response.json().error.details.map((d: { path: string }) => d.path)).toContain(path);
  });

  // A deprovisioning workflow may pick every provider where the person has access.
  it('accepts all_with_access for deprovisioning', async () => {
    const response = await call(harness, admin, 'POST', '/v1/workflows', {
      name: `Offboarding ${randomUUID()}`,
      kind: 'deprovisioning',
      tasks: [{ providerIds: 'all_with_access', due: { days: 0, from: 'termination_date' } }],
      triggers: [{ on: 'termination' }],
    });
    expect(response.statusCode).toBe(201);
    expect(response.json().tasks[0]).toMatchObject({ providerIds: 'all_with_access', title: 'Deprovision accounts' });
  });

  // Workflows are for admins only; another company's workflow is a 404 like a missing one.
  it('enforces roles and tenancy', async () => {
    const { id } = (await call(harness, admin, 'POST', '/v1/workflows', provisioning(`Tenancy ${randomUUID()}`))).json();
    for (const role of ['manager', 'employee', 'integration'] as const) {
      const caller = { id: employeeA.id, companyId: companyA, role };
      expect((await call(harness, caller, 'GET', '/v1/workflows')).statusCode, role).toBe(403);
      expect((await call(harness, caller, 'POST', '/v1/workflows', provisioning(`Denied ${role}`))).statusCode, role).toBe(403);
      expect((await call(harness, caller, 'POST', `/v1/workflows/${id}/publish`)).statusCode, role).toBe(403);
    }
    for (const [method, url, payload] of [
      ['GET', `/v1/workflows/${id}`, undefined],
      ['PATCH', `/v1/workflows/${id}`, { description: 'mine' }],
      ['POST', `/v1/workflows/${id}/publish`, undefined],
      ['POST', `/v1/workflows/${id}/archive`, undefined],
      ['POST', `/v1/workflows/${id}/runs`, { employeeId: adminB.id }],
    ] as const) {
      const response = await call(harness, otherAdmin, method, url, payload);
      expect(response.statusCode, `${method} ${url}`).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    }
    expect((await call(harness, otherAdmin, 'GET', '/v1/workflows')).json().items.map((w: { id: string }) => w.id)).not.toContain(id);
    const unauthenticated = await harness.service.app.inject({ method: 'GET', url: '/v1/workflows' });
    expect(unauthenticated.statusCode).toBe(401);
  });

  // The list pages by name with an opaque cursor.
  it('pages the list with a cursor', async () => {
    const company = newCompany('paging');
    const pager = anEmployee({ accessLevel: 'admin' });
    await publishHire(harness.broker, company, pager);
    await rosterHas(harness, company, pager.id);
    const app = await aProvider(harness, company);
    const caller: Caller = { id: pager.id, companyId: company, role: 'admin' };
    for (const name of ['b', 'a', 'c']) await call(harness, caller, 'POST', '/v1/workflows', { name, kind: 'provisioning', tasks: [{ providerIds: [app] }] });
    const first = (await call(harness, caller, 'GET', '/v1/workflows?limit=2')).json();
    expect(first.items.map((w: { name: string }) => w.name)).toEqual(['a', 'b']);
    const second = (await call(harness, caller, 'GET', `/v1/workflows?limit=2&cursor=${first.nextCursor}`)).json();
    expect(second).toMatchObject({ items: [{ name: 'c' }], nextCursor: null });
    expect((await call(harness, caller, 'GET', '/v1/workflows?cursor=nonsense')).statusCode).toBe(400);
  });

  // The OpenAPI document describes the workflow routes with their schemas.
  it('documents the API', async () => {
    const document = (await harness.service.app.inject({ method: 'GET', url: '/openapi.json' })).json();
    expect(Object.keys(document.paths)).toEqual(expect.arrayContaining(['/v1/workflows', '/v1/workflows/{workflowId}', '/v1/workflows/{workflowId}/publish', '/v1/workflow-runs', '/v1/workflow-runs/{runId}', '/v1/workflow-runs/{runId}/cancel']));
    expect(document.paths['/v1/workflows'].post.requestBody).toBeDefined();
  });
});
