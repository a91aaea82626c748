import type { AccountStatus } from '@provisio/contracts';
import type { ItemState, TaskAction } from '../tables.js';

/**
 * What the account.* events told about one account (provider × employee), folded with max() so that any
 * order and any repetition of the same events give the same facts.
 */
export interface AccountFacts {
  status: string;
  version: number;
  /** Latest version at which the account was `provisioned` (0: never seen). */
  provisionedVersion: number;
  deprovisionedVersion: number;
  /** Latest version at which a provisioning request ended without the account being provisioned. */
  provisionRequestEndedVersion: number;
  deprovisionRequestEndedVersion: number;
}

/** The facts one status change contributes. */
export function factsOfChange(change: { from: AccountStatus; to: AccountStatus; version: number }): AccountFacts {
  return {
    ...factsOfStatus(change.to, change.version),
    provisionRequestEndedVersion: change.from === 'provisioning_requested' && (change.to === 'no_account' || change.to === 'deprovisioned') ? change.version : 0,
    deprovisionRequestEndedVersion: change.from === 'deprovisioning_requested' && change.to === 'provisioned' ? change.version : 0,
  };
}

/** The facts of an account seen in a status at a version (e.g. in `account.task_requests_applied`). */
export function factsOfStatus(status: AccountStatus, version: number): AccountFacts {
  return {
    status,
    version,
    provisionedVersion: status === 'provisioned' ? version : 0,
    deprovisionedVersion: status === 'deprovisioned' ? version : 0,
    provisionRequestEndedVersion: 0,
    deprovisionRequestEndedVersion: 0,
  };
}

export interface ItemAnswer {
  action: TaskAction;
  /** The accounts service's starting state for the item; null until it answered. */
  answerState: ItemState | null;
  /** The account's version right after the request was made. */
  answerVersion: number | null;
}

/**
 * An item's state, from the accounts service's answer and the account's facts only, so it comes out the
 * same whatever order the events arrived in:
 * - `skipped` or `done` as answered (nothing to do; already at the target);
 * - `done` once the account reached the target after the request, however it got there;
 * - `skipped` once the request ended without reaching the target (cancelled by a person, the employee left);
 * - `pending` otherwise, and always until the answer is known.
 */
export function itemState(item: ItemAnswer, facts: AccountFacts | undefined): ItemState {
  if (item.answerState === null) return 'pending';
  if (item.answerState !== 'pending') return item.answerState;
  if (!facts) return 'pending';
  const since = item.answerVersion ?? 0;
  const reached = item.action === 'provision' ? facts.provisionedVersion : facts.deprovisionedVersion;
  if (reached > since) return 'done';
  const ended = item.action === 'provision' ? facts.provisionRequestEndedVersion : facts.deprovisionRequestEndedVersion;
  if (ended > since) return 'skipped';
  return 'pending';
}

const rank: Record<ItemState, number> = { pending: 0, skipped: 1, done: 2 };

/**
 * Merges a second answer for the same item (the accounts service answered a task twice) so that the result
 * does not depend on which came first: the more final state wins; two pending answers keep the earliest version.
 */
export function mergeAnswers(
  current: { state: ItemState | null; version: number | null },
  next: { state: ItemState; version: number },
): { state: ItemState; version: number } {
  if (current.state === null || current.version === null) return next;
  if (rank[next.state] !== rank[current.state]) return rank[next.state] > rank[current.state] ? next : { state: current.state, version: current.version };
  return { state: current.state, version: Math.min(current.version, next.version) };
}
