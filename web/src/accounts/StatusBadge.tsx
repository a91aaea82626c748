import type { AccountStatus } from '../api/accounts';
import { STATUS_LABELS } from './account-status';

export function StatusBadge({ status }: { status: AccountStatus }) {
  return <span className={`badge badge--${status}`}>{STATUS_LABELS[status]}</span>;
}
