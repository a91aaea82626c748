import type { AccountDirection, AccountStatus } from '@provisio/contracts';
import { InvalidTransitionError } from '@provisio/service-kit';

export const accountActions = [
  'request-provisioning',
  'mark-provisioned',
  'request-deprovisioning',
  'mark-deprovisioned',
  'cancel-request',
] as const;
export type AccountAction = (typeof accountActions)[number];

/** The actions that open a request (they take `dueAt` and `assigneeId`), with the direction of the request. */
export const requestDirection: Partial<Record<AccountAction, AccountDirection>> = {
  'request-provisioning': 'provision',
  'request-deprovisioning': 'deprovision',
};

export function isRequestAction(action: AccountAction): action is 'request-provisioning' | 'request-deprovisioning' {
  return requestDirection[action] !== undefined;
}

/** What the transition function needs to know of an account. */
export interface AccountState {
  status: AccountStatus;
  /** The status an open request started from (null when no request is open). */
  requestedFrom: AccountStatus | null;
}

/** Contract section 5: from which statuses each action may be taken, and where it leads. */
const table: Record<AccountAction, { from: readonly AccountStatus[]; to: (state: AccountState) => AccountStatus }> = {
  'request-provisioning': { from: ['no_account', 'deprovisioned'], to: () => 'provisioning_requested' },
  'mark-provisioned': { from: ['no_account', 'provisioning_requested', 'deprovisioned'], to: () => 'provisioned' },
  'request-deprovisioning': { from: ['provisioned'], to: () => 'deprovisioning_requested' },
  'mark-deprovisioned': { from: ['provisioned', 'deprovisioning_requested'], to: () => 'deprovisioned' },
  'cancel-request': {
    from: ['provisioning_requested', 'deprovisioning_requested'],
    // A cancelled provisioning request goes back to where it started (`no_account` or `deprovisioned`).
    to: (state) =>
      state.status === 'deprovisioning_requested' ? 'provisioned' : state.requestedFrom === 'deprovisioned' ? 'deprovisioned' : 'no_account',
  },
};

/** Actions that give a terminated employee access again: refused, they left. */
const grantingActions: readonly AccountAction[] = ['request-provisioning', 'mark-provisioned'];

/** The actions allowed from `status`, in the contract's order; a terminated employee gets none that grant access. */
export function allowedActions(status: AccountStatus, employeeStatus: 'active' | 'terminated' = 'active'): AccountAction[] {
  return accountActions.filter(
    (action) => table[action].from.includes(status) && !(employeeStatus === 'terminated' && grantingActions.includes(action)),
  );
}

/**
 * The one place an account's status changes. Returns the next state, or throws InvalidTransitionError
 * (409, with `currentStatus` and the `allowed` actions) for any move the contract's table does not list.
 */
export function transition(
  state: AccountState,
  action: AccountAction,
  employeeStatus: 'active' | 'terminated' = 'active',
): AccountState {
  const allowed = allowedActions(state.status, employeeStatus);
  if (!allowed.includes(action)) {
    const message =
      employeeStatus === 'terminated' && grantingActions.includes(action) && table[action].from.includes(state.status)
        ? `The employee is terminated, so access cannot be granted; allowed actions: ${allowed.join(', ') || 'none'}.`
        : undefined;
    throw new InvalidTransitionError({ currentStatus: state.status, allowed }, message);
  }
  const status = table[action].to(state);
  const requestedFrom =
    status === 'provisioning_requested' || status === 'deprovisioning_requested' ? state.status : null;
  return { status, requestedFrom };
}
