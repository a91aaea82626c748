import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { anEmployee, waitFor } from '@provisio/testing';
import { createLogger } from '@provisio/service-kit';
import type { NotificationsService } from '../src/index.js';
import { createOverdueRepository } from '../src/overdue/overdue-repository.js';
import { createOverdueService } from '../src/overdue/overdue-service.js';
import { createOverdueSweep } from '../src/overdue/overdue-sweep.js';
import { createStackingRepository } from '../src/stacking/stacking-repository.js';
import { changedEvents, createAccountsPlayer, publishTaskOverdue, startNotifications, storedNotifications, type Harness } from './harness.js';

const company = `co-${randomUUID().slice(0, 8)}`;
const otherCompany = `co-${randomUUID().slice(0, 8)}`;
const PAST = '2020-01-01T00:00:00.000Z';
const FUTURE = '2099-01-01T00:00:00.000Z';

describe('the overdue sweep', () => {
  let h: Harness;
  let accounts: ReturnType<typeof createAccountsPlayer>;
  let others: ReturnType<typeof createAccountsPlayer>;
  const assignee = anEmployee({ accessLevel: 'admin' });

  beforeAll(async () => {
    // A day between sweeps: the service sweeps once at start, then only when a test calls sweep().
    h = await startNotifications('notif_overdue', { NOTIFICATIONS_OVERDUE_SWEEP_MS: '86400000' });
    accounts = createAccountsPlayer(h.broker, company);
    others = createAccountsPlayer(h.broker, otherCompany);
  });
  afterAll(async () => {
    await h?.close();
  });

  const newEmployee = () => `emp-${randomUUID().slice(0, 8)}`;

  /** The employee's notifications once `count` items are stacked. */
  async function stacked(companyId: string, employeeId: string, count: number, service: NotificationsService = h.service) {
    return waitFor(
      async () => {
        const list = await storedNotifications(service, companyId, employeeId);
        return list.flatMap((n) => n.items).length === count ? list : undefined;
      },
      { what: `${count} items of ${employeeId} stacked` },
    );
  }

  /** Every notification.changed of a notification, once everything committed so far is published. */
  async function announced(notificationId: string, ...services: NotificationsService[]) {
    for (const service of [h.service, ...services]) await service.runtime.relay.flush();
    return (await changedEvents(h.broker)).filter((e) => e.notificationId === notificationId);
  }

  // The service's own loop ran once at start (it sweeps every NOTIFICATIONS_OVERDUE_SWEEP_MS from then on).
  it('sweeps once when the service starts', async () => {
    await waitFor(() => h.service.overdueSweep.stats.sweeps >= 1, { what: 'the first sweep' });
    expect(h.service.overdueSweep.stats.failedSweeps).toBe(0);
  });

  // An item whose due date passes is marked and announced once: the live bell learns of it without a read.
  it('marks a past-due item overdue and announces its notification once', async () => {
    const employeeId = newEmployee();
    const providerId = randomUUID();
    await accounts.publish(accounts.request(providerId, employeeId, assignee.id, PAST));
    const [before] = await stacked(company, employeeId, 1);
    expect(before).toMatchObject({ version: 1, items: [{ state: 'pending', overdue_at: null }] });

    expect(await h.service.overdueSweep.sweep()).toEqual({ items: 1, notifications: 1 });
    const [after] = await storedNotifications(h.service, company, employeeId);
    expect(after!.version).toBe(2);
    expect(after!.items[0]!.overdue_at).not.toBeNull();
    const events = await announced(before!.id);
    expect(events.map((e) => [e.change, e.state, e.pendingItems, e.version])).toEqual([
      ['created', 'open', 1, 1],
      ['updated', 'open', 1, 2],
    ]);
    expect(events[1]).toMatchObject({ companyId: company, assigneeId: assignee.id, employeeId });

    // A second sweep finds nothing left to do.
    expect(await h.service.overdueSweep.sweep()).toEqual({ items: 0, notifications: 0 });
    expect(await storedNotifications(h.service, company, employeeId)).toEqual([after]);
    expect(await announced(before!.id)).toHaveLength(2);
  });

  // Items not due yet, without a due date, done, or already marked by the workflow are left as they are.
  it('leaves future, undated, done and already overdue items alone', async () => {
    const employeeId = newEmployee();
    const [future, undated, done, marked] = [randomUUID(), randomUUID(), randomUUID(), randomUUID()];
    await accounts.publish(
      accounts.request(future, employeeId, assignee.id, FUTURE),
      accounts.request(undated, employeeId, assignee.id),
      accounts.request(done, employeeId, assignee.id, PAST),
      accounts.request(marked, employeeId, assignee.id, PAST),
    );
    await stacked(company, employeeId, 4);
    await accounts.publish(accounts.complete(done, employeeId));
    await waitFor(async () => (await storedNotifications(h.service, company, employeeId))[0]!.items.some((i) => i.provider_id === done && i.state === 'done'), {
      what: 'the completed item done',
    });
    await publishTaskOverdue(h.broker, { companyId: company, employeeId, providerIds: [marked], assigneeId: assignee.id, dueAt: PAST });
    await waitFor(async () => (await storedNotifications(h.service, company, employeeId))[0]!.items.some((i) => i.provider_id === marked && i.overdue_at !== null), {
      what: 'the workflow overdue mark',
    });
    const before = await storedNotifications(h.service, company, employeeId);
    const eventsBefore = await announced(before[0]!.id);

    expect(await h.service.overdueSweep.sweep()).toEqual({ items: 0, notifications: 0 });
    expect(await storedNotifications(h.service, company, employeeId)).toEqual(before);
    expect(await announced(before[0]!.id)).toEqual(eventsBefore);
  });

  // Several sweepers at once, in one instance and in a second replica, still mark each item and announce
  // each notification once; a small batch size makes one of them go through several batches.
  it('announces each notification once with sweepers racing', async () => {
    const replica = await h.startReplica();
    await waitFor(() => replica.overdueSweep.stats.sweeps >= 1, { what: "the replica's first sweep" });
    const smallBatches = createOverdueSweep({
      db: h.service.runtime.db,
      repo: createOverdueRepository(),
      overdue: createOverdueService({ repo: createStackingRepository(), dueItems: createOverdueRepository() }),
      logger: createLogger({ name: 'overdue-test', level: 'silent' }),
      intervalMs: 86_400_000,
      batchSize: 4,
    });
    try {
      // 20 employees, every other one with two past-due items in the same notification.
      const employees = Array.from({ length: 20 }, (_, i) => ({ id: newEmployee(), items: i % 2 === 0 ? 2 : 1 }));
      await accounts.publish(
        ...employees.flatMap((e) => Array.from({ length: e.items }, () => accounts.request(randomUUID(), e.id, assignee.id, PAST))),
      );
      const before = new Map<string, { version: number; events: number }>();
      for (const e of employees) await stacked(company, e.id, e.items);
      // Every announcement of the stacking published before counting them (two requests may be stacked apart).
      await h.service.runtime.relay.flush();
      for (const e of employees) {
        const [notification] = await stacked(company, e.id, e.items);
        before.set(notification!.id, { version: notification!.version, events: (await announced(notification!.id)).length });
      }

      const results = await Promise.all([
        h.service.overdueSweep.sweep(),
        replica.overdueSweep.sweep(),
        smallBatches.sweep(),
        h.service.overdueSweep.sweep(),
        replica.overdueSweep.sweep(),
      ]);
      expect(results.reduce((sum, r) => sum + r.items, 0)).toBe(30);
      expect(results.reduce((sum, r) => sum + r.notifications, 0)).toBe(20);

      for (const e of employees) {
        const [notification] = await storedNotifications(h.service, company, e.id);
        const { version, events } = before.get(notification!.id)!;
        expect(notification!.version).toBe(version + 1);
        expect(notification!.items.every((i) => i.overdue_at !== null)).toBe(true);
        const after = await announced(notification!.id, replica);
        expect(after).toHaveLength(events + 1);
        expect(after.at(-1)).toMatchObject({ change: 'updated', version: version + 1, pendingItems: e.items });
      }
    } finally {
      await smallBatches.stop();
      await h.stopReplicas();
    }
  });

  // One sweep covers every company, and each company's items go into that company's notifications only.
  it("sweeps another company's items into that company's notifications", async () => {
    const employeeId = newEmployee();
    const [shared, theirs] = [randomUUID(), randomUUID()];
    // The same employee and provider ids in both companies: due in ours, not yet in theirs.
    await accounts.publish(accounts.request(shared, employeeId, assignee.id, PAST));
    await others.publish(others.request(shared, employeeId, assignee.id, FUTURE), others.request(theirs, employeeId, assignee.id, PAST));
    const [ours] = await stacked(company, employeeId, 1);
    const [other] = await stacked(otherCompany, employeeId, 2);
    const otherEvents = (await announced(other!.id)).length;

    expect(await h.service.overdueSweep.sweep()).toEqual({ items: 2, notifications: 2 });
    const [oursAfter] = await storedNotifications(h.service, company, employeeId);
    const [otherAfter] = await storedNotifications(h.service, otherCompany, employeeId);
    expect(oursAfter).toMatchObject({ id: ours!.id, version: ours!.version + 1, items: [{ provider_id: shared, overdue_at: expect.any(Date) }] });
    expect(otherAfter!.version).toBe(other!.version + 1);
    expect(Object.fromEntries(otherAfter!.items.map((i) => [i.provider_id, i.overdue_at !== null]))).toEqual({ [shared]: false, [theirs]: true });

    expect((await announced(ours!.id)).at(-1)).toMatchObject({ companyId: company, change: 'updated', version: ours!.version + 1 });
    const announcedOther = await announced(other!.id);
    expect(announcedOther).toHaveLength(otherEvents + 1);
    expect(announcedOther.at(-1)).toMatchObject({ companyId: otherCompany, change: 'updated', version: other!.version + 1, pendingItems: 2 });
  });

  // The loop sweeps on its own every interval, and stopping waits for a sweep in progress.
  it('sweeps periodically and stops after the sweep in progress', async () => {
    const sweep = createOverdueSweep({
      db: h.service.runtime.db,
      repo: createOverdueRepository(),
      overdue: createOverdueService({ repo: createStackingRepository(), dueItems: createOverdueRepository() }),
      logger: createLogger({ name: 'overdue-test', level: 'silent' }),
      intervalMs: 100,
    });
    sweep.start();
    try {
      await waitFor(() => sweep.stats.sweeps >= 1, { what: 'the first sweep' });
      const employeeId = newEmployee();
      await accounts.publish(accounts.request(randomUUID(), employeeId, assignee.id, PAST));
      await stacked(company, employeeId, 1);
      const [notification] = await waitFor(
        async () => {
          const list = await storedNotifications(h.service, company, employeeId);
          return list[0]?.items[0]?.overdue_at ? list : undefined;
        },
        { what: 'the item marked by the loop' },
      );
      expect(notification!.version).toBe(2);
      // The sweep counts its work once its transaction has returned, a moment after the commit seen above.
      await waitFor(() => sweep.stats.items >= 1, { what: "the sweep's counters" });
      expect(sweep.stats).toMatchObject({ items: 1, notifications: 1, failedSweeps: 0 });
    } finally {
      let finished = false;
      const inProgress = sweep.sweep().then(() => (finished = true));
      await sweep.stop();
      expect(finished).toBe(true);
      await inProgress;
    }
  });
});
