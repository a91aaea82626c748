import type { AccountDirection, AccountStatus } from '@provisio/contracts';
import type { AccountAction } from '../accounts/account-transitions.js';

export type ItemState = 'pending' | 'done' | 'skipped';

export interface ItemPlan {
  /** The action to take on the account, if any. */
  action?: AccountAction;
  /** The item's starting state once the action is taken. */
  state: ItemState;
}

/**
 * What a workflow task's item does to one account, from its status (contract section 5, Workflows):
 * `pending` while a request of the task's direction is open, `done` when the account already is where the
 * task wants it, `skipped` when there is nothing to do.
 */
export function planItem(
  direction: AccountDirection,
  account: { status: AccountStatus; requestedFrom: AccountStatus | null },
  employeeStatus: 'active' | 'terminated',
): ItemPlan {
  if (direction === 'provision') {
    if (employeeStatus === 'terminated') return { state: 'skipped' };
    switch (account.status) {
      case 'provisioned':
        return { state: 'done' };
      case 'provisioning_requested':
        return { state: 'pending' };
      case 'no_account':
      case 'deprovisioned':
        return { action: 'request-provisioning', state: 'pending' };
      case 'deprovisioning_requested':
        // Still provisioned: withdrawing the removal leaves the access the task wants.
        return { action: 'cancel-request', state: 'done' };
    }
  }
  switch (account.status) {
    case 'no_account':
      return { state: 'skipped' };
    case 'deprovisioned':
      return { state: 'done' };
    case 'provisioned':
      return { action: 'request-deprovisioning', state: 'pending' };
    case 'deprovisioning_requested':
      return { state: 'pending' };
    case 'provisioning_requested':
      // The account was never created: withdrawing the request is all the removal there is to do.
      return { action: 'cancel-request', state: account.requestedFrom === 'deprovisioned' ? 'done' : 'skipped' };
  }
}
