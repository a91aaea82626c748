import type { AccountAction, AccountStatus, BatchAction, BatchResult } from '../api/accounts';
import { BATCH_LIMIT } from '../api/accounts';
import { isActionAllowed } from './account-status';

export interface SelectedAccount {
  employeeId: string;
  name: string;
  status: AccountStatus;
}

/** Splits a selection into the accounts the action applies to and those whose status does not allow it. */
export function planBulk(selected: SelectedAccount[], action: AccountAction) {
  const eligible = selected.filter((s) => isActionAllowed(s.status, action));
  const skipped = selected.filter((s) => !isActionAllowed(s.status, action));
  return { eligible, skipped };
}

export function chunk<T>(items: T[], size = BATCH_LIMIT): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

export interface BulkFailure {
  name: string;
  message: string;
  requestId?: string | undefined;
}

/** Pairs each batch result with the person it was for (results come back in request order). */
export function failuresOf(actions: BatchAction[], results: BatchResult[], nameOf: (employeeId: string) => string): BulkFailure[] {
  return results.flatMap((r, i): BulkFailure[] => {
    if (r.ok) return [];
    const employeeId = actions[i]?.employeeId ?? '';
    return [{ name: nameOf(employeeId), message: r.error?.message ?? 'Failed', requestId: r.error?.requestId }];
  });
}
