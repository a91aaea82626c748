import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { employeeUpdated } from '@provisio/contracts';
import type { CloudEvent } from '@provisio/messaging';
import { waitFor } from '@provisio/testing';
import { applyHr, caller, collectEvents, newCompany, seedHire, seedProvider, seedTermination, startAccounts, type Harness } from './harness.js';

describe('reassigning open requests', () => {
  let h: Harness;
  const companyId = newCompany();
  let admin: ReturnType<typeof caller>;
  let byAdmin1: string;
  let byAdmin2: string;
  let byDana: string;
  const url = (providerId: string, employeeId: string, action: string) => `/v1/providers/${providerId}/accounts/${employeeId}/${action}`;

  beforeAll(async () => {
    h = await startAccounts('accounts_reassign');
    for (const id of ['admin-1', 'admin-2', 'dana', 'erin']) await seedHire(h.service, companyId, { id, accessLevel: 'admin' });
    await seedHire(h.service, companyId, { id: 'plain-1', accessLevel: 'employee' });
    byAdmin1 = (await seedProvider(h.service, companyId, { provisioningAssigneeId: 'admin-1', deprovisioningAssigneeId: 'admin-1' })).providerId;
    byAdmin2 = (await seedProvider(h.service, companyId, { provisioningAssigneeId: 'admin-2', deprovisioningAssigneeId: 'admin-2' })).providerId;
    byDana = (await seedProvider(h.service, companyId, { provisioningAssigneeId: 'dana', deprovisioningAssigneeId: 'dana' })).providerId;
    admin = caller(h.service, companyId, 'admin-1', 'admin');
  });
  afterAll(() => h.close());

  async function newHire(): Promise<string> {
    return (await seedHire(h.service, companyId, { accessLevel: 'employee' })).id;
  }

  async function request(providerId: string, employeeId: string, assigneeId?: string) {
    const response = await admin.post(url(providerId, employeeId, 'request-provisioning'), { dueAt: '2026-12-24T09:00:00Z', ...(assigneeId ? { assigneeId } : {}) });
    expect(response.statusCode).toBe(200);
    return response.json();
  }

  async function account(providerId: string, employeeId: string) {
    const items = (await admin.get(`/v1/employees/${employeeId}/accounts`)).json().items as { provider: { id: string }; assigneeId: string | null; status: string; version: number }[];
    return items.find((item) => item.provider.id === providerId)!;
  }

  // Reassigning changes who must act and nothing else; the event says who had it, so the item moves between
  // the assignees' notifications.
  it('gives an open request another admin; status, due date and request time stay', async () => {
    const events = await collectEvents(h.broker, 'ACCOUNTS');
    const person = await newHire();
    const opened = await request(byAdmin1, person);
    const response = await admin.post(url(byAdmin1, person, 'reassign'), { assigneeId: 'erin', note: 'admin-1 is on leave' });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({
      status: 'provisioning_requested',
      assigneeId: 'erin',
      dueAt: opened.dueAt,
      requestedAt: opened.requestedAt,
      version: opened.version + 1,
    });
    await waitFor(() => events.ofType('account.status_changed').some((event) => event.data.employeeId === person && event.data.version === 2), {
      what: 'the reassignment event',
    });
    const event = events.ofType('account.status_changed').find((e) => e.data.employeeId === person && e.data.version === 2)!;
    expect(event.data).toMatchObject({ from: 'provisioning_requested', to: 'provisioning_requested', assigneeId: 'erin', previousAssigneeId: 'admin-1' });
    await events.stop();
    // The same assignee again: nothing changes.
    const again = await admin.post(url(byAdmin1, person, 'reassign'), { assigneeId: 'erin' });
    expect(again.json().version).toBe(opened.version + 1);
    // Without an assignee: back to the provider's.
    expect((await admin.post(url(byAdmin1, person, 'reassign'), {})).json()).toMatchObject({ assigneeId: 'admin-1', version: opened.version + 2 });
  });

  // Only an open request has an assignee, and only an active admin can be one; a refusal changes nothing.
  it('refuses to reassign without an open request or to someone who cannot act', async () => {
    const person = await newHire();
    const none = await admin.post(url(byAdmin1, person, 'reassign'), { assigneeId: 'erin' });
    expect(none.statusCode).toBe(409);
    expect(none.json().error).toMatchObject({ code: 'INVALID_TRANSITION', details: { currentStatus: 'no_account' } });
    await request(byAdmin1, person);
    const plain = await admin.post(url(byAdmin1, person, 'reassign'), { assigneeId: 'plain-1' });
    expect(plain.statusCode).toBe(422);
    expect(plain.json().error.code).toBe('INVALID_REFERENCE');
    expect(await account(byAdmin1, person)).toMatchObject({ assigneeId: 'admin-1', version: 1 });
    const employee = caller(h.service, companyId, 'plain-1', 'employee');
    expect((await employee.post(url(byAdmin1, person, 'reassign'), { assigneeId: 'erin' })).statusCode).toBe(403);
  });

  // An assignee who is no longer a Full Access Admin cannot complete their requests: each moves to its provider's
  // assignee, unless that is the same person (then an admin must name someone).
  it("moves a demoted admin's open requests to the providers' assignees", async () => {
    const first = await newHire();
    const second = await newHire();
    await request(byAdmin2, first, 'dana');
    await request(byAdmin1, second, 'dana');
    await request(byDana, first);
    const demoted = employeeUpdated.build({ companyId, employee: { id: 'dana', accessLevel: 'employee' } }, { source: 'seed' });
    await applyHr(h.service, demoted as CloudEvent<never>);
    expect(await account(byAdmin2, first)).toMatchObject({ status: 'provisioning_requested', assigneeId: 'admin-2', version: 2 });
    expect(await account(byAdmin1, second)).toMatchObject({ status: 'provisioning_requested', assigneeId: 'admin-1', version: 2 });
    expect(await account(byDana, first)).toMatchObject({ assigneeId: 'dana', version: 1 });
    const history = (await admin.get(`/v1/employees/${first}/accounts/history`)).json().items as { providerId: string; reason: string | null }[];
    expect(history.find((entry) => entry.providerId === byAdmin2)).toMatchObject({ reason: 'assignee_unavailable' });
  });

  // The same when the assignee leaves the company.
  it("moves a departed admin's open requests too", async () => {
    const person = await newHire();
    await request(byAdmin2, person, 'erin');
    await seedTermination(h.service, companyId, 'erin');
    expect(await account(byAdmin2, person)).toMatchObject({ assigneeId: 'admin-2', version: 2 });
  });
});
