import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '@provisio/contracts';
import type { AccountEvent } from '../src/stacking/account-requests.js';
import { planEmployee, type EmployeeModel } from '../src/stacking/stacking-plan.js';

let ids = 0;
const newId = () => `id-${(ids += 1)}`;
let clock = Date.parse('2026-11-01T00:00:00Z');

function event(version: number, from: AccountStatus, to: AccountStatus, assigneeId: string | null, previousAssigneeId: string | null = null): AccountEvent {
  clock += 60_000;
  return { version, from, to, assigneeId, previousAssigneeId, dueAt: null, at: new Date(clock).toISOString() };
}

const emptyModel = (): EmployeeModel => ({ companyId: 'co', employeeId: 'emp', notifications: [], items: [] });

/** The model as the stacker would load it again after storing a plan. */
function asStored(model: EmployeeModel, changes: Partial<EmployeeModel['notifications'][number]> = {}) {
  model.items.forEach((item) => Object.assign(item, { change: 'none', clearOverdue: false }));
  model.notifications.forEach((n) => Object.assign(n, { isNew: false, touched: false, pendingArrived: false, closing: false }, changes));
}

describe('stacking plan', () => {
  // Five requests in one batch: one notification created, four stacked into it, one change announced.
  it('creates one notification and merges the rest', () => {
    const model = emptyModel();
    const plan = planEmployee(
      model,
      ['p1', 'p2', 'p3', 'p4', 'p5'].map((providerId) => ({ providerId, events: [event(1, 'no_account', 'provisioning_requested', 'ann')] })),
      newId,
    );
    expect(plan.outcomes.map((o) => o.result)).toEqual(['created', 'merged', 'merged', 'merged', 'merged']);
    expect(plan.changes).toHaveLength(1);
    expect(plan.changes[0]).toMatchObject({ change: 'created', pending: 5, total: 5, notification: { state: 'open', version: 1, read: false } });
  });

  // A request that completes and another that starts later, in the same batch: the first notification
  // closes and the later request opens a new one, as they would one event at a time.
  it('closes before opening a new one within one batch', () => {
    const model = emptyModel();
    planEmployee(model, [{ providerId: 'p1', events: [event(1, 'no_account', 'provisioning_requested', 'ann')] }], newId);
    const first = model.notifications[0]!;
    asStored(model, { read: true });

    const plan = planEmployee(
      model,
      [
        { providerId: 'p1', events: [event(1, 'no_account', 'provisioning_requested', 'ann'), event(2, 'provisioning_requested', 'provisioned', null, 'ann')] },
        { providerId: 'p2', events: [event(1, 'no_account', 'provisioning_requested', 'ann')] },
      ],
      newId,
    );
    expect(plan.changes.map((c) => [c.notification.id === first.id ? 'first' : 'new', c.change, c.notification.state, c.pending])).toEqual([
      ['first', 'updated', 'done', 0],
      ['new', 'created', 'open', 1],
    ]);
    expect(first).toMatchObject({ closing: true, version: 2, read: true });
  });

  // A request reassigned to someone else leaves the first assignee's notification and, when it was the
  // only item, removes it.
  it('moves a reassigned request and removes the emptied notification', () => {
    const model = emptyModel();
    const events = [event(1, 'no_account', 'provisioning_requested', 'ann')];
    planEmployee(model, [{ providerId: 'p1', events }], newId);
    asStored(model);

    const plan = planEmployee(model, [{ providerId: 'p1', events: [...events, event(2, 'provisioning_requested', 'provisioning_requested', 'bob', 'ann')] }], newId);
    expect(plan.outcomes).toMatchObject([{ result: 'moved' }]);
    expect(plan.changes.map((c) => [c.notification.assigneeId, c.change, c.remove])).toEqual([
      ['ann', 'updated', true],
      ['bob', 'created', false],
    ]);
  });

  // Nothing new (a repeated event) plans nothing.
  it('plans nothing for events already applied', () => {
    const model = emptyModel();
    const events = [event(1, 'no_account', 'provisioning_requested', 'ann')];
    planEmployee(model, [{ providerId: 'p1', events }], newId);
    asStored(model);
    const plan = planEmployee(model, [{ providerId: 'p1', events: [...events, ...events] }], newId);
    expect(plan).toEqual({ outcomes: [], changes: [] });
  });
});
