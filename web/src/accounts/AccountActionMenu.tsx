import type { AccountAction, AccountStatus } from '../api/accounts';
import { Menu } from '../components/Menu';
import { ACTION_LABELS, allowedActions, isOpenRequest } from './account-status';

/**
 * The "…" menu of one account: only the actions the contract allows from its current status, and, for an
 * open request where the page offers it, "Reassign…".
 */
export function AccountActionMenu({
  employeeName,
  providerName,
  status,
  onAction,
  onReassign,
  disabled,
}: {
  employeeName: string;
  /** Adds the provider to the label where a page lists several providers for one person. */
  providerName?: string;
  status: AccountStatus;
  onAction: (action: AccountAction) => void;
  onReassign?: () => void;
  disabled?: boolean;
}) {
  const label = providerName ? `Actions for ${employeeName} on ${providerName}` : `Actions for ${employeeName}`;
  const actions = allowedActions(status).map((action) => ({
    key: action,
    label: ACTION_LABELS[action],
    onSelect: () => onAction(action),
  }));
  const reassign = onReassign && isOpenRequest(status) ? [{ key: 'reassign', label: 'Reassign…', onSelect: onReassign }] : [];
  return <Menu label={label} disabled={disabled} items={[...actions, ...reassign]} />;
}
