import { describe, expect, it } from 'vitest';
import type { AccountStatus } from '@provisio/contracts';
import { factsOfChange, factsOfStatus, itemState, mergeAnswers, type AccountFacts } from '../src/runs/item-state.js';

/** The fold account_facts does in SQL: the newest status by version, every other column by max(). */
function fold(all: AccountFacts[]): AccountFacts | undefined {
  return all.reduce<AccountFacts | undefined>((acc, next) => {
    if (!acc) return next;
    return {
      status: next.version > acc.version ? next.status : acc.status,
      version: Math.max(acc.version, next.version),
      provisionedVersion: Math.max(acc.provisionedVersion, next.provisionedVersion),
      deprovisionedVersion: Math.max(acc.deprovisionedVersion, next.deprovisionedVersion),
      provisionRequestEndedVersion: Math.max(acc.provisionRequestEndedVersion, next.provisionRequestEndedVersion),
      deprovisionRequestEndedVersion: Math.max(acc.deprovisionRequestEndedVersion, next.deprovisionRequestEndedVersion),
    };
  }, undefined);
}

function permutations<T>(items: T[]): T[][] {
  if (items.length <= 1) return [items];
  return items.flatMap((item, index) => permutations([...items.slice(0, index), ...items.slice(index + 1)]).map((rest) => [item, ...rest]));
}

type Step = { from: AccountStatus; to: AccountStatus };
const history = (steps: Step[]) => steps.map((step, index) => factsOfChange({ ...step, version: index + 1 }));

describe('item state', () => {
  // Every order (and repeats) of an account's events gives the same item state as the ordered stream.
  it.each([
    ['provisioned after the request', 'provision', 1, [{ from: 'no_account', to: 'provisioning_requested' }, { from: 'provisioning_requested', to: 'provisioned' }], 'done'],
    ['provisioned, then deprovisioning requested already', 'provision', 1, [
      { from: 'no_account', to: 'provisioning_requested' }, { from: 'provisioning_requested', to: 'provisioned' }, { from: 'provisioned', to: 'deprovisioning_requested' },
    ], 'done'],
    ['request cancelled', 'provision', 1, [{ from: 'no_account', to: 'provisioning_requested' }, { from: 'provisioning_requested', to: 'no_account' }], 'skipped'],
    ['cancelled, re-requested and provisioned', 'provision', 1, [
      { from: 'no_account', to: 'provisioning_requested' }, { from: 'provisioning_requested', to: 'no_account' },
      { from: 'no_account', to: 'provisioning_requested' }, { from: 'provisioning_requested', to: 'provisioned' },
    ], 'done'],
    ['still requested', 'provision', 1, [{ from: 'no_account', to: 'provisioning_requested' }], 'pending'],
    ['deprovisioned after a re-provisioning', 'deprovision', 4, [
      { from: 'no_account', to: 'provisioned' }, { from: 'provisioned', to: 'deprovisioned' }, { from: 'deprovisioned', to: 'provisioned' },
      { from: 'provisioned', to: 'deprovisioning_requested' }, { from: 'deprovisioning_requested', to: 'deprovisioned' },
    ], 'done'],
    ['deprovisioning cancelled', 'deprovision', 2, [
      { from: 'no_account', to: 'provisioned' }, { from: 'provisioned', to: 'deprovisioning_requested' }, { from: 'deprovisioning_requested', to: 'provisioned' },
    ], 'skipped'],
  ] as const)('%s', (_label, action, answerVersion, steps, expected) => {
    const events = history([...steps]);
    const item = { action, answerState: 'pending' as const, answerVersion };
    expect(itemState(item, fold(events))).toBe(expected);
    for (const order of permutations(events)) {
      expect(itemState(item, fold([...order, ...order.slice(0, 2)]))).toBe(expected);
    }
  });

  // A deprovisioning item answered after a re-provisioning is done only by a later deprovisioning.
  it('counts only reaching the target after the request', () => {
    const events = history([
      { from: 'no_account', to: 'provisioned' },
      { from: 'provisioned', to: 'deprovisioned' },
      { from: 'deprovisioned', to: 'provisioned' },
      { from: 'provisioned', to: 'deprovisioning_requested' },
    ]);
    const item = { action: 'deprovision' as const, answerState: 'pending' as const, answerVersion: 4 };
    expect(itemState(item, fold(events))).toBe('pending');
    const finished = [...events, factsOfChange({ from: 'deprovisioning_requested', to: 'deprovisioned', version: 5 })];
    for (const order of permutations(finished)) expect(itemState(item, fold(order))).toBe('done');
  });

  // Without the accounts service's answer an item stays pending; answered done/skipped items stay so.
  it('keeps unanswered items pending and answered final states final', () => {
    const facts = factsOfStatus('provisioned', 7);
    expect(itemState({ action: 'provision', answerState: null, answerVersion: null }, facts)).toBe('pending');
    expect(itemState({ action: 'deprovision', answerState: 'skipped', answerVersion: 0 }, facts)).toBe('skipped');
    expect(itemState({ action: 'provision', answerState: 'done', answerVersion: 7 }, undefined)).toBe('done');
  });

  // Two answers for one item merge the same way in either order.
  it('merges answers independently of their order', () => {
    const answers = [{ state: 'pending', version: 3 }, { state: 'pending', version: 2 }, { state: 'done', version: 4 }] as const;
    const results = permutations([...answers]).map((order) =>
      order.reduce<{ state: 'pending' | 'done' | 'skipped' | null; version: number | null }>((acc, next) => mergeAnswers(acc, next), { state: null, version: null }),
    );
    for (const result of results) expect(result).toEqual({ state: 'done', version: 4 });
    expect(mergeAnswers(mergeAnswers({ state: null, version: null }, { state: 'pending', version: 3 }), { state: 'pending', version: 2 })).toEqual({ state: 'pending', version: 2 });
  });
});
