import type { AccountAction, AccountStatus } from '../api/accounts';
import { Menu } from '../components/Menu';
import { ACTION_LABELS, allowedActions } from './account-status';

/** The "…" menu of one account: only the actions the contract allows from its current status. */
export function AccountActionMenu({
  employeeName,
  providerName,
  status,
  onAction,
  disabled,
}: {
  employeeName: string;
  /** Adds the provider to the label where a page lists several providers for one person. */
  providerName?: string;
  status: AccountStatus;
  onAction: (action: AccountAction) => void;
  disabled?: boolean;
}) {
  const label = providerName ? `Actions for ${employeeName} on ${providerName}` : `Actions for ${employeeName}`;
  return (
    <Menu
      label={label}
      disabled={disabled}
      items={allowedActions(status).map((action) => ({
        key: action,
        label: ACTION_LABELS[action],
        onSelect: () => onAction(action),
      }))}
    />
  );
}
