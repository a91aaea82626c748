import type { AccountAction, AccountStatus } from '../api/accounts';

/** The product's words for each status (the HR suite's Provisioning App). */
export const STATUS_LABELS: Record<AccountStatus, string> = {
  no_account: 'No Account',
  provisioning_requested: 'Provisioning Requested',
  provisioned: 'Provisioned',
  deprovisioning_requested: 'Deprovisioning Requested',
  deprovisioned: 'Deprovisioned',
};

export const ACTION_LABELS: Record<AccountAction, string> = {
  'request-provisioning': 'Request Provisioning',
  'mark-provisioned': 'Mark as Provisioned',
  'request-deprovisioning': 'Request Deprovisioning',
  'mark-deprovisioned': 'Mark as Deprovisioned',
  'cancel-request': 'Cancel Request',
};

/**
 * The moves the contract allows from each status (contract section 5). The menu offers only these;
 * the server stays the judge and answers 409 INVALID_TRANSITION when the row changed meanwhile.
 */
const ALLOWED: Record<AccountStatus, readonly AccountAction[]> = {
  no_account: ['request-provisioning', 'mark-provisioned'],
  provisioning_requested: ['mark-provisioned', 'cancel-request'],
  provisioned: ['request-deprovisioning', 'mark-deprovisioned'],
  deprovisioning_requested: ['mark-deprovisioned', 'cancel-request'],
  deprovisioned: ['request-provisioning', 'mark-provisioned'],
};

export function allowedActions(status: AccountStatus): readonly AccountAction[] {
  return ALLOWED[status];
}

export function isActionAllowed(status: AccountStatus, action: AccountAction): boolean {
  return ALLOWED[status].includes(action);
}

/** A request is open (someone must act): only then does it have an assignee to change. */
export function isOpenRequest(status: AccountStatus): boolean {
  return status === 'provisioning_requested' || status === 'deprovisioning_requested';
}
