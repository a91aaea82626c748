import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { anEmployee, bearer, publishHire, waitFor } from '@provisio/testing';
import { changedEvents, createAccountsPlayer, publishProvider, startNotifications, storedNotifications, type Harness } from './harness.js';

const companyA = `co-a-${randomUUID().slice(0, 6)}`;
const companyB = `co-b-${randomUUID().slice(0, 6)}`;

interface NotificationJson {
  id: string;
  type: string;
  title: string;
  employee: { id: string; name: string | null };
  assigneeId: string;
  state: 'open' | 'done';
  read: boolean;
  version: number;
  createdAt: string;
  updatedAt: string;
  items: { id: string; providerId: string; providerName: string | null; action: string; state: string; dueAt: string | null; overdue: boolean }[];
}

describe('notifications API', () => {
  let h: Harness;
  let accountsA: ReturnType<typeof createAccountsPlayer>;
  let accountsB: ReturnType<typeof createAccountsPlayer>;
  const ann = anEmployee({ accessLevel: 'admin' });
  const bob = anEmployee({ accessLevel: 'admin' });
  const hire = anEmployee({ firstName: 'Grace', lastName: 'Hopper' });
  let slack: string;
  let annNotification: NotificationJson;

  beforeAll(async () => {
    h = await startNotifications('notif_api');
    accountsA = createAccountsPlayer(h.broker, companyA);
    accountsB = createAccountsPlayer(h.broker, companyB);
    slack = await publishProvider(h.broker, companyA, 'Slack', ann.id);
    await publishHire(h.broker, companyA, hire);
    // Ann is assignee of a request in company A; Bob of another request for the same hire; and in company B
    // someone with Ann's id has a notification about an employee with the same id.
    await accountsA.publish(
      accountsA.request(slack, hire.id, ann.id, '2099-05-01T09:00:00.000Z'),
      accountsA.request(randomUUID(), hire.id, bob.id),
    );
    await accountsB.publish(accountsB.request(randomUUID(), hire.id, ann.id));
    await waitFor(
      async () =>
        (await storedNotifications(h.service, companyA, hire.id)).length === 2 &&
        (await storedNotifications(h.service, companyB, hire.id)).length === 1,
      { what: 'the three notifications' },
    );
    const list = await waitFor(async () => {
      const body = (await get('/v1/notifications', ann.id)).json<{ items: NotificationJson[] }>();
      return body.items[0]?.employee.name && body.items[0].items[0]?.providerName ? body.items : undefined;
    }, { what: 'names on Ann’s notification' });
    annNotification = list[0]!;
  });
  afterAll(async () => {
    await h?.close();
  });

  async function get(url: string, sub: string, companyId = companyA, role: 'admin' | 'manager' | 'employee' | 'integration' = 'admin') {
    return h.service.app.inject({ method: 'GET', url, headers: { authorization: await bearer(sub, companyId, role) } });
  }
  async function post(url: string, sub: string, companyId = companyA) {
    return h.service.app.inject({ method: 'POST', url, headers: { authorization: await bearer(sub, companyId, 'admin') } });
  }

  // The assignee's notification reads exactly as contract section 5 describes it.
  it('answers in the contract’s shape', async () => {
    expect(annNotification).toMatchObject({
      type: 'provision_requested',
      title: 'Provision Requested',
      employee: { id: hire.id, name: 'Grace Hopper' },
      assigneeId: ann.id,
      state: 'open',
      read: false,
      items: [{ providerId: slack, providerName: 'Slack', action: 'provision', state: 'pending', dueAt: '2099-05-01T09:00:00.000Z', overdue: false }],
    });
    expect(Object.keys(annNotification).sort()).toEqual(
      ['assigneeId', 'closedAt', 'createdAt', 'employee', 'id', 'items', 'read', 'state', 'title', 'type', 'updatedAt', 'version'].sort(),
    );
    const one = await get(`/v1/notifications/${annNotification.id}`, ann.id);
    expect(one.statusCode).toBe(200);
    expect(one.json()).toEqual(annNotification);
  });

  // Only the assignee sees a notification: another assignee, or the same id in another company, gets 404.
  it('shows a notification to its assignee only', async () => {
    for (const [sub, companyId] of [[bob.id, companyA], [ann.id, companyB]] as const) {
      const read = await get(`/v1/notifications/${annNotification.id}`, sub, companyId);
      expect(read.statusCode).toBe(404);
      expect(read.json().error.code).toBe('NOT_FOUND');
      expect((await post(`/v1/notifications/${annNotification.id}/read`, sub, companyId)).statusCode).toBe(404);
      const list = (await get('/v1/notifications?state=all', sub, companyId)).json<{ items: NotificationJson[] }>();
      expect(list.items).toHaveLength(1);
      expect(list.items.map((n) => n.id)).not.toContain(annNotification.id);
    }
    expect((await get(`/v1/notifications/${randomUUID()}`, ann.id)).statusCode).toBe(404);
    // Ann in company B sees only company B's notification.
    const inB = (await get('/v1/notifications', ann.id, companyB)).json<{ items: NotificationJson[] }>();
    expect(inB.items).toHaveLength(1);
    expect(inB.items[0]!.items[0]!.providerName).toBeNull();
  });

  // Reading marks the notification read once, lowers the unread count and tells the live feed.
  it('marks read and counts unread', async () => {
    expect((await get('/v1/notifications/unread-count', ann.id)).json()).toEqual({ count: 1 });
    const read = await post(`/v1/notifications/${annNotification.id}/read`, ann.id);
    expect(read.statusCode).toBe(200);
    expect(read.json()).toMatchObject({ id: annNotification.id, read: true, version: annNotification.version + 1 });
    expect((await get('/v1/notifications/unread-count', ann.id)).json()).toEqual({ count: 0 });
    expect((await get('/v1/notifications/unread-count', ann.id, companyB)).json()).toEqual({ count: 1 });
    const again = await post(`/v1/notifications/${annNotification.id}/read`, ann.id);
    expect(again.json().version).toBe(annNotification.version + 1);
    const events = await waitFor(async () => {
      const mine = (await changedEvents(h.broker)).filter((e) => e.notificationId === annNotification.id);
      return mine.length === 2 ? mine : undefined;
    }, { what: 'created and read events' });
    expect(events.map((e) => [e.change, e.version])).toEqual([['created', 1], ['updated', 2]]);
  });

  // A new request stacked into a read notification makes it unread again.
  it('makes a notification unread when a request is stacked into it', async () => {
    const figma = randomUUID();
    await accountsA.publish(accountsA.request(figma, hire.id, ann.id));
    const updated = await waitFor(async () => {
      const body = (await get(`/v1/notifications/${annNotification.id}`, ann.id)).json<NotificationJson>();
      return body.items.length === 2 ? body : undefined;
    }, { what: 'the second item' });
    expect(updated.read).toBe(false);
    expect((await get('/v1/notifications/unread-count', ann.id)).json()).toEqual({ count: 1 });
  });

  // The list is newest first, filtered by state, and a cursor walks it without repeats or gaps.
  it('lists newest first with state filter and cursor pagination', async () => {
    const carol = anEmployee({ accessLevel: 'admin' });
    const employees = Array.from({ length: 7 }, () => `hire-${randomUUID().slice(0, 8)}`);
    for (const employeeId of employees) {
      await accountsA.publish(accountsA.request(slack, employeeId, carol.id));
      await waitFor(async () => (await storedNotifications(h.service, companyA, employeeId)).length === 1, { what: `stacked ${employeeId}` });
    }
    await accountsA.publish(accountsA.complete(slack, employees[0]!), accountsA.complete(slack, employees[1]!));
    await waitFor(async () => (await get('/v1/notifications?state=done', carol.id)).json().items.length === 2, { what: 'two done' });

    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: NotificationJson[]; nextCursor: string | null } = (await get(`/v1/notifications?state=all&limit=3${cursor ? `&cursor=${cursor}` : ''}`, carol.id)).json();
      expect(page.items.length).toBeLessThanOrEqual(3);
      seen.push(...page.items.map((n) => n.employee.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(seen).toEqual([...employees].reverse());

    const open = (await get('/v1/notifications', carol.id)).json<{ items: NotificationJson[] }>();
    expect(open.items.map((n) => n.employee.id)).toEqual(employees.slice(2).reverse());
    expect(open.items.every((n) => n.state === 'open')).toBe(true);
    const done = (await get('/v1/notifications?state=done', carol.id)).json<{ items: NotificationJson[] }>();
    expect(done.items.map((n) => n.employee.id)).toEqual(employees.slice(0, 2).reverse());
  });

  // Integrations have no notifications; bad parameters are the contract's validation errors.
  it('refuses integrations and bad parameters', async () => {
    const asIntegration = await get('/v1/notifications', 'hris', companyA, 'integration');
    expect(asIntegration.statusCode).toBe(403);
    expect(asIntegration.json().error.code).toBe('FORBIDDEN');
    expect((await get('/v1/notifications/unread-count', 'hris', companyA, 'integration')).statusCode).toBe(403);
    for (const url of ['/v1/notifications?state=closed', '/v1/notifications?limit=501', '/v1/notifications?cursor=bogus', '/v1/notifications/not-a-uuid']) {
      const response = await get(url, ann.id);
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
    const unauthenticated = await h.service.app.inject({ method: 'GET', url: '/v1/notifications' });
    expect(unauthenticated.statusCode).toBe(401);
    // Managers and employees can be assignees of their own notifications too.
    expect((await get('/v1/notifications', ann.id, companyA, 'manager')).statusCode).toBe(200);
    expect((await get('/v1/notifications', ann.id, companyA, 'employee')).statusCode).toBe(200);
  });

  // The API is described in the service's OpenAPI document.
  it('documents its routes', async () => {
    const document = (await h.service.app.inject({ method: 'GET', url: '/openapi.json' })).json<{ paths: Record<string, unknown> }>();
    expect(Object.keys(document.paths)).toEqual(
      expect.arrayContaining(['/v1/notifications', '/v1/notifications/unread-count', '/v1/notifications/{notificationId}', '/v1/notifications/{notificationId}/read']),
    );
  });
});
