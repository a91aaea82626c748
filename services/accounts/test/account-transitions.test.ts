import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '@provisio/contracts';
import { InvalidTransitionError } from '@provisio/service-kit';
import { accountActions, allowedActions, transition, type AccountAction, type AccountState } from '../src/accounts/account-transitions.js';

/** Contract section 5, written out by hand: the target of every allowed (state, action); anything else is refused. */
const table: { name: string; state: AccountState; moves: Partial<Record<AccountAction, AccountStatus>> }[] = [
  { name: 'no_account', state: { status: 'no_account', requestedFrom: null }, moves: { 'request-provisioning': 'provisioning_requested', 'mark-provisioned': 'provisioned' } },
  {
    name: 'provisioning_requested (from no_account)',
    state: { status: 'provisioning_requested', requestedFrom: 'no_account' },
    moves: { 'mark-provisioned': 'provisioned', 'cancel-request': 'no_account' },
  },
  {
    name: 'provisioning_requested (from deprovisioned)',
    state: { status: 'provisioning_requested', requestedFrom: 'deprovisioned' },
    moves: { 'mark-provisioned': 'provisioned', 'cancel-request': 'deprovisioned' },
  },
  { name: 'provisioned', state: { status: 'provisioned', requestedFrom: null }, moves: { 'request-deprovisioning': 'deprovisioning_requested', 'mark-deprovisioned': 'deprovisioned' } },
  {
    name: 'deprovisioning_requested',
    state: { status: 'deprovisioning_requested', requestedFrom: 'provisioned' },
    moves: { 'mark-deprovisioned': 'deprovisioned', 'cancel-request': 'provisioned' },
  },
  { name: 'deprovisioned', state: { status: 'deprovisioned', requestedFrom: null }, moves: { 'request-provisioning': 'provisioning_requested', 'mark-provisioned': 'provisioned' } },
];

const cases = table.flatMap(({ name, state, moves }) => accountActions.map((action) => ({ name, state, action, to: moves[action] })));

describe('transition()', () => {
  // Every (status, action) pair of the contract's table: allowed ones reach their target, others are refused.
  it.each(cases)('$name + $action → $to', ({ state, action, to }) => {
    if (to) {
      const next = transition(state, action);
      expect(next.status).toBe(to);
      // A request remembers where it started; anything else has no open request.
      const opensRequest = to === 'provisioning_requested' || to === 'deprovisioning_requested';
      expect(next.requestedFrom).toBe(opensRequest ? state.status : null);
    } else {
      let thrown: unknown;
      try {
        transition(state, action);
      } catch (error) {
        thrown = error;
      }
      expect(thrown).toBeInstanceOf(InvalidTransitionError);
      const error = thrown as InvalidTransitionError;
      expect(error.statusCode).toBe(409);
      expect(error.code).toBe('INVALID_TRANSITION');
      const row = table.find((entry) => entry.state === state)!;
      expect(error.details).toEqual({ currentStatus: state.status, allowed: Object.keys(row.moves) });
    }
  });

  // A terminated employee can lose access but never be given it again.
  it.each(table)('refuses granting access to a terminated employee from $name', ({ state, moves }) => {
    const allowed = allowedActions(state.status, 'terminated');
    expect(allowed).toEqual(Object.keys(moves).filter((action) => action !== 'request-provisioning' && action !== 'mark-provisioned'));
    for (const action of ['request-provisioning', 'mark-provisioned'] as const) {
      expect(() => transition(state, action, 'terminated')).toThrow(InvalidTransitionError);
    }
  });
});
