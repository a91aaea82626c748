import { useMutation, useQueryClient } from '@tanstack/react-query';
import { performAccountAction } from '../api/accounts';
import type { AccountAction, AccountStatus } from '../api/accounts';
import { ApiError } from '../api/http';
import { refreshAccountViews } from '../api/query-keys';
import { useAnnouncer } from '../components/announcer';
import { ACTION_LABELS, STATUS_LABELS } from './account-status';

export interface AccountActionInput {
  providerId: string;
  providerName: string;
  employeeId: string;
  employeeName: string;
  action: AccountAction;
}

/**
 * Runs one account action and refreshes every view of accounts. A 409 INVALID_TRANSITION means the
 * row changed under the person (another admin, a workflow): say so plainly and show the fresh row.
 */
export function useAccountAction() {
  const queryClient = useQueryClient();
  const { announce } = useAnnouncer();
  const refresh = () => refreshAccountViews(queryClient);

  return useMutation({
    mutationFn: (input: AccountActionInput) =>
      performAccountAction(input.providerId, input.employeeId, input.action),
    onSuccess: (account, input) => {
      announce(
        'success',
        `${ACTION_LABELS[input.action]}: ${input.employeeName} on ${input.providerName} is now ${STATUS_LABELS[account.status]}.`,
      );
      void refresh();
    },
    onError: (error, input) => {
      announce('error', describeActionError(error, input), error instanceof ApiError && error.requestId ? `Request ID: ${error.requestId}` : undefined);
      void refresh();
    },
  });
}

export function describeActionError(error: unknown, input: Pick<AccountActionInput, 'action' | 'employeeName' | 'providerName'>): string {
  if (error instanceof ApiError && error.code === 'INVALID_TRANSITION') {
    const current = currentStatusOf(error.details);
    const now = current ? ` It is now ${STATUS_LABELS[current]}.` : '';
    return `Could not ${ACTION_LABELS[input.action]} for ${input.employeeName} on ${input.providerName}: the account changed meanwhile.${now} The row has been refreshed.`;
  }
  const message = error instanceof Error ? error.message : 'Something went wrong.';
  return `Could not ${ACTION_LABELS[input.action]} for ${input.employeeName} on ${input.providerName}: ${message}`;
}

function currentStatusOf(details: unknown): AccountStatus | null {
  const d = Array.isArray(details) ? details[0] : details;
  if (typeof d === 'object' && d !== null && 'currentStatus' in d) {
    const s = (d as { currentStatus: unknown }).currentStatus;
    if (typeof s === 'string' && s in STATUS_LABELS) return s as AccountStatus;
  }
  return null;
}
