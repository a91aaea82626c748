import type { AccountDirection, AccountStatus } from '@provisio/contracts';

/**
 * The requests of one account (provider × employee), computed from its `account.status_changed` events.
 *
 * Every change of an account has a version (1, 2, 3 …) and each event says the status before (`from`) and
 * after (`to`) it. A request is a run of versions during which the account is `*_requested`: it opens with a
 * move into a requested status and closes with a move out of it; moves from requested to requested (a new
 * assignee or due date) stay inside it. Events arrive in any order and more than once, so the requests are
 * always recomputed from every event seen, in version order: the result depends on the set of events only.
 *
 * Two facts make this exact once no version is missing: consecutive versions that are both requested belong
 * to the same request, and a close names the status it left (`from`). While a version is missing the fold
 * guesses (the gap held no close), and the guess is replaced when the missing event arrives.
 */

export interface AccountEvent {
  version: number;
  from: AccountStatus;
  to: AccountStatus;
  assigneeId: string | null;
  previousAssigneeId: string | null;
  dueAt: string | null;
  at: string;
}

export type RequestState = 'pending' | 'done' | 'cancelled';

export interface AccountRequest {
  action: AccountDirection;
  state: RequestState;
  /** Who must act while pending; who held the request when it closed. Null when no event named anyone. */
  assigneeId: string | null;
  dueAt: string | null;
  /** Lowest and highest account version at which this request is known to be open. */
  firstVersion: number;
  lastVersion: number;
  /** The version whose event opened the request, once that event has been seen. */
  openedVersion: number | null;
  /** The version whose event closed it, once seen (a close inferred across a gap has none). */
  closedVersion: number | null;
  requestedAt: string | null;
  closedAt: string | null;
  /** When the request began as far as the events seen tell: the opening's time, else the earliest event's. */
  since: string;
}

export function requestedDirection(status: AccountStatus): AccountDirection | null {
  if (status === 'provisioning_requested') return 'provision';
  if (status === 'deprovisioning_requested') return 'deprovision';
  return null;
}

/** The status a request of this direction reaches when it is carried out. */
export function completedStatus(action: AccountDirection): AccountStatus {
  return action === 'provision' ? 'provisioned' : 'deprovisioned';
}

function open(action: AccountDirection, fields: Partial<AccountRequest> & Pick<AccountRequest, 'firstVersion' | 'since'>): AccountRequest {
  return {
    action,
    state: 'pending',
    assigneeId: null,
    dueAt: null,
    lastVersion: fields.firstVersion,
    openedVersion: null,
    closedVersion: null,
    requestedAt: null,
    closedAt: null,
    ...fields,
  };
}

/** The account's requests, oldest first. `events` may be in any order and hold repeats. */
export function foldAccountRequests(events: readonly AccountEvent[]): AccountRequest[] {
  const byVersion = new Map<number, AccountEvent>();
  for (const event of events) if (!byVersion.has(event.version)) byVersion.set(event.version, event);
  const ordered = [...byVersion.values()].sort((a, b) => a.version - b.version);

  const requests: AccountRequest[] = [];
  let current: AccountRequest | undefined;

  for (const event of ordered) {
    const before = requestedDirection(event.from);
    const after = requestedDirection(event.to);

    // The account was `event.from` at version - 1. A request still open from an earlier event that does not
    // match ended inside a gap of versions not seen yet; guess how from the status it left behind.
    if (current && current.action !== before) {
      current.state = event.from === completedStatus(current.action) ? 'done' : 'cancelled';
      current = undefined;
    }
    if (before) {
      if (!current) {
        // Open before this event, opened by an event not seen (yet).
        current = open(before, {
          firstVersion: event.version - 1,
          assigneeId: event.previousAssigneeId ?? event.assigneeId,
          since: event.at,
        });
        requests.push(current);
      }
      current.lastVersion = Math.max(current.lastVersion, event.version - 1);
    }

    if (before && after === before) {
      // Still requested: a new assignee or a new due date.
      current!.assigneeId = event.assigneeId ?? current!.assigneeId;
      current!.dueAt = event.dueAt;
      current!.lastVersion = event.version;
      continue;
    }
    if (before) {
      current!.state = event.to === completedStatus(before) ? 'done' : 'cancelled';
      current!.closedVersion = event.version;
      current!.closedAt = event.at;
      current!.assigneeId = event.previousAssigneeId ?? current!.assigneeId;
      current = undefined;
    }
    if (after) {
      current = open(after, {
        firstVersion: event.version,
        openedVersion: event.version,
        assigneeId: event.assigneeId,
        dueAt: event.dueAt,
        requestedAt: event.at,
        since: event.at,
      });
      requests.push(current);
    }
  }
  return requests;
}

/** True when the two version ranges share a version. */
export function overlaps(a: Pick<AccountRequest, 'firstVersion' | 'lastVersion'>, b: Pick<AccountRequest, 'firstVersion' | 'lastVersion'>): boolean {
  return a.firstVersion <= b.lastVersion && b.firstVersion <= a.lastVersion;
}
