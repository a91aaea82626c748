import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '@provisio/contracts';
import { foldAccountRequests, type AccountEvent } from '../src/stacking/account-requests.js';

/** The events an account would emit for these moves, versions 1, 2, 3 … */
function history(...moves: [AccountStatus, string | null][]): AccountEvent[] {
  let from: AccountStatus = 'no_account';
  let assignee: string | null = null;
  return moves.map(([to, assigneeId], index) => {
    const event: AccountEvent = {
      version: index + 1,
      from,
      to,
      assigneeId,
      previousAssigneeId: assignee,
      dueAt: assigneeId ? '2026-12-01T00:00:00.000Z' : null,
      at: `2026-11-0${index + 1}T00:00:00.000Z`,
    };
    from = to;
    assignee = assigneeId;
    return event;
  });
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

const summary = (events: AccountEvent[]) =>
  foldAccountRequests(events).map(({ action, state, assigneeId, firstVersion, lastVersion }) => ({ action, state, assigneeId, firstVersion, lastVersion }));

describe('account requests fold', () => {
  // A request, a reassignment and its completion are one request that ends done with the last assignee.
  it('follows a request through reassignment to completion', () => {
    const events = history(['provisioning_requested', 'ann'], ['provisioning_requested', 'bob'], ['provisioned', null]);
    expect(summary(events)).toEqual([{ action: 'provision', state: 'done', assigneeId: 'bob', firstVersion: 1, lastVersion: 2 }]);
  });

  // Cancelling either kind of request ends it cancelled; a later request is a second one.
  it('tells cancellation from completion and keeps later requests apart', () => {
    const events = history(
      ['provisioning_requested', 'ann'],
      ['no_account', null],
      ['provisioning_requested', 'ann'],
      ['provisioned', null],
      ['deprovisioning_requested', 'bob'],
      ['provisioned', null],
      ['deprovisioning_requested', 'bob'],
    );
    expect(summary(events).map((r) => [r.action, r.state])).toEqual([
      ['provision', 'cancelled'],
      ['provision', 'done'],
      ['deprovision', 'cancelled'],
      ['deprovision', 'pending'],
    ]);
  });

  // A direct mark-provisioned without a request is no request at all.
  it('ignores moves that involve no request', () => {
    expect(summary(history(['provisioned', null], ['deprovisioned', null]))).toEqual([]);
  });

  // Whatever order the events of an account arrive in, once all are in the result is the in-order one;
  // repeats change nothing.
  it('gives the in-order result for every arrival order', () => {
    const events = history(
      ['provisioning_requested', 'ann'],
      ['provisioning_requested', 'bob'],
      ['provisioned', null],
      ['deprovisioning_requested', 'ann'],
      ['deprovisioned', null],
    );
    const expected = summary(events);
    for (const order of permutations(events)) {
      expect(summary([...order, order[0]!])).toEqual(expected);
    }
  });

  // A completion seen before its request still yields the request, done, under the assignee it had.
  it('builds a request from a completion that arrives first', () => {
    const [requested, completed] = history(['provisioning_requested', 'ann'], ['provisioned', null]);
    expect(summary([completed!])).toEqual([{ action: 'provision', state: 'done', assigneeId: 'ann', firstVersion: 1, lastVersion: 1 }]);
    expect(summary([completed!, requested!])).toEqual(summary([requested!, completed!]));
  });
});
