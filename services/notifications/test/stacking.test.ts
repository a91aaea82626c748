import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { anEmployee, bearer, publishHire, waitFor } from '@provisio/testing';
import { sql } from 'kysely';
import { publishEvent } from '@provisio/messaging';
import {
  changedEvents,
  countOpen,
  createAccountsPlayer,
  handledAndStacked,
  publishProvider,
  publishTaskOverdue,
  startNotifications,
  storedNotifications,
  type Harness,
} from './harness.js';

const company = `co-${randomUUID().slice(0, 8)}`;

describe('stacking account requests into notifications', () => {
  let h: Harness;
  let accounts: ReturnType<typeof createAccountsPlayer>;
  const assignee = anEmployee({ accessLevel: 'admin' });
  const otherAssignee = anEmployee({ accessLevel: 'admin' });
  const providers: string[] = [];

  beforeAll(async () => {
    h = await startNotifications('notif_stacking', { NOTIFICATIONS_STACK_BATCH: '16' });
    accounts = createAccountsPlayer(h.broker, company);
    for (const name of ['Slack', 'GitHub', 'Figma', 'Notion', 'Zoom']) providers.push(await publishProvider(h.broker, company, name, assignee.id));
  });
  afterAll(async () => {
    await h?.close();
  });

  /** A fresh hire, known to the roster projection. */
  async function hire() {
    const employee = anEmployee();
    await publishHire(h.broker, company, employee);
    return employee;
  }

  const stored = (employeeId: string) => storedNotifications(h.service, company, employeeId);

  async function inbox(assigneeId: string) {
    const response = await h.service.app.inject({
      method: 'GET',
      url: '/v1/notifications?state=all&limit=500',
      headers: { authorization: await bearer(assigneeId, company, 'admin') },
    });
    expect(response.statusCode).toBe(200);
    return response.json<{ items: { id: string; employee: { id: string; name: string | null }; state: string; items: { providerId: string; providerName: string | null; state: string; overdue: boolean; dueAt: string | null }[] }[] }>().items;
  }

  async function itemsIn(employeeId: string) {
    return (await stored(employeeId)).flatMap((n) => n.items);
  }

  // Five requests for one employee stack into one notification with five items, with names to show.
  it('stacks five requests for one employee into one notification', async () => {
    const employee = await hire();
    await accounts.publish(...providers.map((providerId) => accounts.request(providerId, employee.id, assignee.id)));
    const [notification] = await waitFor(async () => {
      const list = (await inbox(assignee.id)).filter((n) => n.employee.id === employee.id);
      return list.length === 1 && list[0]!.items.length === 5 && list[0]!.employee.name !== null && list[0]!.items.every((i) => i.providerName) ? list : undefined;
    }, { what: 'five stacked items with names' });
    expect(notification).toMatchObject({ state: 'open', employee: { name: `${employee.firstName} ${employee.lastName}` } });
    expect(notification!.items.map((i) => i.state)).toEqual(['pending', 'pending', 'pending', 'pending', 'pending']);
    expect(new Set(notification!.items.map((i) => i.providerName))).toEqual(new Set(['Slack', 'GitHub', 'Figma', 'Notion', 'Zoom']));
    expect(await stored(employee.id)).toHaveLength(1);
  });

  // Requests for a second employee give that employee a notification of their own.
  it('gives a second employee a second notification', async () => {
    const first = await hire();
    const second = await hire();
    await accounts.publish(accounts.request(providers[0]!, first.id, assignee.id), accounts.request(providers[1]!, first.id, assignee.id));
    await accounts.publish(accounts.request(providers[0]!, second.id, assignee.id));
    await waitFor(async () => (await itemsIn(first.id)).length === 2 && (await itemsIn(second.id)).length === 1, { what: 'both employees stacked' });
    const [ofFirst] = await stored(first.id);
    const [ofSecond] = await stored(second.id);
    expect(ofFirst!.id).not.toBe(ofSecond!.id);
    expect(ofFirst!.items).toHaveLength(2);
    expect(ofSecond!.items).toHaveLength(1);
  });

  // The same status event delivered twice (a redelivery, or the same account version under another event id)
  // adds nothing.
  it('adds nothing for a repeated status event', async () => {
    const employee = await hire();
    const event = accounts.request(providers[0]!, employee.id, assignee.id);
    await accounts.publish(event);
    await waitFor(async () => (await itemsIn(employee.id)).length === 1, { what: 'the first delivery stacked' });
    const stacked = await stored(employee.id);
    const before = { ...h.service.consumers.accounts.stats };

    // The same event again, past JetStream's duplicate window (another message id), as a redelivery looks.
    await h.broker.js.publish(h.broker.ns.subject(event.type), JSON.stringify(event), { msgID: `${event.id}-again` });
    // The same account version under a new event id.
    await publishEvent(h.broker.js, h.broker.ns, { ...event, id: randomUUID() });
    await handledAndStacked(h.service, before, { duplicate: 1, applied: 1 });
    expect(await stored(employee.id)).toEqual(stacked);
  });

  // Twenty requests for one employee handled concurrently still give exactly one open notification.
  it('keeps one open notification under twenty concurrent requests', async () => {
    const employee = await hire();
    const twenty = Array.from({ length: 20 }, () => randomUUID());
    await accounts.publish(...twenty.map((providerId) => accounts.request(providerId, employee.id, assignee.id)));
    await waitFor(async () => (await itemsIn(employee.id)).length === 20, { what: 'twenty items' });
    const notifications = await stored(employee.id);
    expect(notifications).toHaveLength(1);
    expect(notifications[0]!.items).toHaveLength(20);
    expect(await countOpen(h.service, company, employee.id)).toBe(1);
  });

  // Two replicas of the service stacking the same employees at once still keep one open notification each:
  // the database holds the invariant, not one process's memory.
  it('keeps one open notification per employee with two replicas stacking concurrently', async () => {
    const replica = await h.startReplica();
    const employees = Array.from({ length: 5 }, () => `emp-${randomUUID().slice(0, 8)}`);
    const events = employees.flatMap((employeeId) => Array.from({ length: 20 }, () => accounts.request(randomUUID(), employeeId, assignee.id)));
    await accounts.publish(...events.sort(() => Math.random() - 0.5));
    await waitFor(async () => (await Promise.all(employees.map(itemsIn))).every((items) => items.length === 20), { what: '100 items', timeoutMs: 20_000 });
    for (const employeeId of employees) {
      expect(await stored(employeeId)).toHaveLength(1);
      expect(await countOpen(h.service, company, employeeId)).toBe(1);
    }
    expect(replica.consumers.accounts.stats.applied).toBeGreaterThan(0);
    await h.stopReplicas();
  });

  // The partial unique index refuses a second open notification for the same key, whatever the code does.
  it('holds the one-open-notification rule in the database', async () => {
    const employee = await hire();
    await accounts.publish(accounts.request(providers[0]!, employee.id, assignee.id));
    await waitFor(async () => (await itemsIn(employee.id)).length === 1, { what: 'an open notification' });
    const db = h.service.runtime.db.kysely;
    const second = db
      .insertInto('notifications')
      .values({ id: randomUUID(), company_id: company, assignee_id: assignee.id, employee_id: employee.id, state: 'open' })
      .execute();
    await expect(second).rejects.toMatchObject({ code: '23505', constraint: 'notifications_one_open' });
    // A done one for the same key is fine: history stays.
    await db.insertInto('notifications').values({ id: randomUUID(), company_id: company, assignee_id: assignee.id, employee_id: employee.id, state: 'done' }).execute();
  });

  // Completions mark items done and close the notification when none is pending; a later request opens a new one.
  it('closes the notification when every item is done, and opens a new one for a later request', async () => {
    const employee = await hire();
    const [a, b] = providers;
    await accounts.publish(accounts.request(a!, employee.id, assignee.id), accounts.request(b!, employee.id, assignee.id));
    await waitFor(async () => (await itemsIn(employee.id)).length === 2, { what: 'two items' });

    await accounts.publish(accounts.complete(a!, employee.id));
    await waitFor(async () => (await itemsIn(employee.id)).some((i) => i.provider_id === a && i.state === 'done'), { what: 'first item done' });
    expect((await stored(employee.id))[0]!.state).toBe('open');

    await accounts.publish(accounts.complete(b!, employee.id));
    const [closed] = await waitFor(async () => {
      const list = await stored(employee.id);
      return list[0]?.state === 'done' ? list : undefined;
    }, { what: 'the notification closed' });
    expect(closed!.items.map((i) => i.state)).toEqual(['done', 'done']);
    expect(closed!.closed_at).not.toBeNull();

    await accounts.publish(accounts.requestDeprovisioning(a!, employee.id, assignee.id));
    const list = await waitFor(async () => {
      const all = await stored(employee.id);
      return all.length === 2 ? all : undefined;
    }, { what: 'a second notification' });
    expect(list[0]).toMatchObject({ id: closed!.id, state: 'done' });
    expect(list[1]).toMatchObject({ state: 'open' });
    expect(list[1]!.items).toMatchObject([{ provider_id: a, action: 'deprovision', state: 'pending' }]);
  });

  // A cancelled request marks its item cancelled; with nothing pending the notification is done.
  it('marks a cancelled request cancelled', async () => {
    const employee = await hire();
    const [a, b] = providers;
    await accounts.publish(accounts.request(a!, employee.id, assignee.id), accounts.request(b!, employee.id, assignee.id));
    await waitFor(async () => (await itemsIn(employee.id)).length === 2, { what: 'two items' });
    await accounts.publish(accounts.cancel(a!, employee.id));
    await waitFor(async () => (await itemsIn(employee.id)).some((i) => i.provider_id === a && i.state === 'cancelled'), { what: 'cancelled' });
    expect((await stored(employee.id))[0]!.state).toBe('open');
    await accounts.publish(accounts.cancel(b!, employee.id));
    await waitFor(async () => (await stored(employee.id))[0]?.state === 'done', { what: 'done once nothing is pending' });
    expect((await itemsIn(employee.id)).map((i) => i.state)).toEqual(['cancelled', 'cancelled']);
  });

  // A request given to another assignee moves its item to that assignee's notification.
  it('moves a reassigned request to the new assignee', async () => {
    const employee = await hire();
    const [a, b] = providers;
    await accounts.publish(accounts.request(a!, employee.id, assignee.id), accounts.request(b!, employee.id, assignee.id));
    await waitFor(async () => (await itemsIn(employee.id)).length === 2, { what: 'two items' });
    await accounts.publish(accounts.reassign(a!, employee.id, otherAssignee.id));
    await waitFor(async () => (await itemsIn(employee.id)).some((i) => i.provider_id === a && i.assignee_id === otherAssignee.id), { what: 'moved' });
    const mine = (await inbox(assignee.id)).filter((n) => n.employee.id === employee.id);
    const theirs = (await inbox(otherAssignee.id)).filter((n) => n.employee.id === employee.id);
    expect(mine).toHaveLength(1);
    expect(mine[0]!.items.map((i) => i.providerId)).toEqual([b]);
    expect(theirs).toHaveLength(1);
    expect(theirs[0]).toMatchObject({ state: 'open', items: [{ providerId: a, state: 'pending' }] });

    // Moving the last item away leaves the first assignee nothing to look at.
    await accounts.publish(accounts.reassign(b!, employee.id, otherAssignee.id));
    await waitFor(async () => (await inbox(assignee.id)).every((n) => n.employee.id !== employee.id), { what: 'the emptied notification gone' });
    expect((await inbox(otherAssignee.id)).filter((n) => n.employee.id === employee.id)[0]!.items).toHaveLength(2);
  });

  // A completion that arrives before its request ends as it would in order: one done item, nothing open.
  it('ends in the in-order state when the completion arrives first', async () => {
    const employee = await hire();
    const [a] = providers;
    const requested = accounts.request(a!, employee.id, assignee.id, '2030-01-01T00:00:00.000Z');
    const completed = accounts.complete(a!, employee.id);
    await accounts.publish(completed);
    await waitFor(async () => (await itemsIn(employee.id)).length === 1, { what: 'the completion applied' });
    const before = { ...h.service.consumers.accounts.stats };
    await accounts.publish(requested);
    await handledAndStacked(h.service, before, { applied: 1 });
    const notifications = await stored(employee.id);
    expect(notifications).toHaveLength(1);
    expect(notifications[0]).toMatchObject({ state: 'done' });
    expect(notifications[0]!.items).toMatchObject([{ provider_id: a, state: 'done', first_version: 1, opened_version: 1, closed_version: 2 }]);
    expect(await countOpen(h.service, company, employee.id)).toBe(0);
  });

  // A whole history published in reverse ends exactly as the same history published in order.
  it('ends in the in-order state whatever the order of a long history', async () => {
    const inOrder = await hire();
    const reversed = await hire();
    const [a] = providers;
    const history = (employeeId: string) => [
      accounts.request(a!, employeeId, assignee.id),
      accounts.reassign(a!, employeeId, otherAssignee.id),
      accounts.complete(a!, employeeId),
      accounts.requestDeprovisioning(a!, employeeId, assignee.id),
      accounts.cancel(a!, employeeId),
      accounts.requestDeprovisioning(a!, employeeId, assignee.id),
    ];
    // One at a time, each stacked before the next is published.
    for (const event of [...history(inOrder.id), ...history(reversed.id).reverse()]) {
      const before = { ...h.service.consumers.accounts.stats };
      await accounts.publish(event);
      await handledAndStacked(h.service, before, { applied: 1 });
    }
    const shape = async (employeeId: string) =>
      (await stored(employeeId))
        .map((n) => ({ assignee: n.assignee_id, state: n.state, items: n.items.map((i) => [i.action, i.state, i.first_version, i.last_version]) }))
        .sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y)));
    const expected = await shape(inOrder.id);
    expect(expected).toEqual(
      [
        { assignee: otherAssignee.id, state: 'done', items: [['provision', 'done', 1, 2]] },
        { assignee: assignee.id, state: 'done', items: [['deprovision', 'cancelled', 4, 4]] },
        { assignee: assignee.id, state: 'open', items: [['deprovision', 'pending', 6, 6]] },
      ].sort((x, y) => JSON.stringify(x).localeCompare(JSON.stringify(y))),
    );
    expect(await shape(reversed.id)).toEqual(expected);
    expect(await countOpen(h.service, company, reversed.id)).toBe(1);
  });

  // Every creation and change of a notification is published as notification.changed, in version order.
  it('emits notification.changed for each change', async () => {
    const employee = await hire();
    const [a, b] = providers;
    await accounts.publish(accounts.request(a!, employee.id, assignee.id));
    await waitFor(async () => (await itemsIn(employee.id)).length === 1, { what: 'first item' });
    await accounts.publish(accounts.request(b!, employee.id, assignee.id));
    await waitFor(async () => (await itemsIn(employee.id)).length === 2, { what: 'second item' });
    await accounts.publish(accounts.complete(a!, employee.id));
    await waitFor(async () => (await itemsIn(employee.id)).filter((i) => i.state === 'done').length === 1, { what: 'one done' });
    await accounts.publish(accounts.complete(b!, employee.id));

    const [notification] = await waitFor(async () => {
      const list = await stored(employee.id);
      return list[0]?.state === 'done' ? list : undefined;
    }, { what: 'closed' });
    const events = await waitFor(async () => {
      const mine = (await changedEvents(h.broker)).filter((e) => e.notificationId === notification!.id);
      return mine.length === 4 ? mine : undefined;
    }, { what: 'four notification.changed events' });
    expect(events.map((e) => [e.change, e.state, e.pendingItems, e.version])).toEqual([
      ['created', 'open', 1, 1],
      ['updated', 'open', 2, 2],
      ['updated', 'open', 1, 3],
      ['updated', 'done', 0, 4],
    ]);
    expect(events.every((e) => e.companyId === company && e.assigneeId === assignee.id && e.employeeId === employee.id)).toBe(true);
  });

  // An item is overdue once its due date has passed, or when its workflow task is reported overdue.
  it('shows overdue items', async () => {
    const employee = await hire();
    const [a, b, c] = providers;
    await accounts.publish(
      accounts.request(a!, employee.id, assignee.id, '2020-01-01T00:00:00.000Z'),
      accounts.request(b!, employee.id, assignee.id, '2099-01-01T00:00:00.000Z'),
      accounts.request(c!, employee.id, assignee.id),
    );
    await waitFor(async () => (await itemsIn(employee.id)).length === 3, { what: 'three items' });
    const overdue = async () => {
      const [n] = (await inbox(assignee.id)).filter((x) => x.employee.id === employee.id);
      return Object.fromEntries(n!.items.map((i) => [i.providerId, i.overdue]));
    };
    expect(await overdue()).toEqual({ [a!]: true, [b!]: false, [c!]: false });
    await publishTaskOverdue(h.broker, { companyId: company, employeeId: employee.id, providerIds: [c!], assigneeId: assignee.id, dueAt: new Date().toISOString() });
    await waitFor(async () => (await overdue())[c!] === true, { what: 'the task overdue mark' });
    expect(await overdue()).toEqual({ [a!]: true, [b!]: false, [c!]: true });
  });

  // An employee whose stacking keeps failing does not hold up the others: its batch is applied again event by
  // event, the healthy employee's request is stacked, and the failing event is retried (not lost) until the
  // cause is gone.
  it('isolates an employee whose stacking fails, and stacks it once the cause is gone', async () => {
    const db = h.service.runtime.db.kysely;
    const poisoned = `poison-${randomUUID().slice(0, 8)}`;
    await sql`create function refuse_poison() returns trigger language plpgsql as $$
      begin
        if new.employee_id like 'poison-%' then raise exception 'cannot stack %', new.employee_id; end if;
        return new;
      end $$`.execute(db);
    await sql`create trigger refuse_poison before insert on notification_items for each row execute function refuse_poison()`.execute(db);
    const retries = h.service.consumers.accounts.stats.retry;
    // What the stacker is given, call by call: the two requests must first arrive in one batch.
    const { stacker } = h.service;
    const stack = stacker.stack;
    const batches: string[][] = [];
    stacker.stack = (tx, arrived) => {
      batches.push(arrived.map(({ event }) => event.employeeId));
      return stack(tx, arrived);
    };
    try {
      const healthy = await hire();
      // Published while the consumer is stopped, they are waiting together when it starts again.
      await h.service.consumers.accounts.stop();
      await accounts.publish(accounts.request(providers[0]!, poisoned, assignee.id), accounts.request(providers[0]!, healthy.id, assignee.id));
      await h.service.consumers.accounts.start();
      await waitFor(async () => (await itemsIn(healthy.id)).length === 1, { what: 'the healthy employee stacked' });
      expect(batches[0]).toEqual([poisoned, healthy.id]);
      // The batch failed whole, then each event went alone: the healthy one committed.
      expect(batches).toContainEqual([healthy.id]);
      await waitFor(() => h.service.consumers.accounts.stats.retry > retries, { what: 'the poisoned event retried' });
      expect(await stored(poisoned)).toEqual([]);
      // Nothing of the failed attempts stayed behind: its history rolled back with it.
      expect(await db.selectFrom('account_events').select('version').where('employee_id', '=', poisoned).execute()).toEqual([]);
    } finally {
      stacker.stack = stack;
      await sql`drop trigger refuse_poison on notification_items`.execute(db);
      await sql`drop function refuse_poison()`.execute(db);
    }
    // The next delivery (after the consumer's backoff) stacks it.
    await waitFor(async () => (await itemsIn(poisoned)).length === 1, { what: 'the poisoned employee stacked after the fix', timeoutMs: 20_000 });
  }, 40_000);
});
