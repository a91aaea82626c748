import { queryOptions } from '@tanstack/react-query';
import { listProviderAccounts } from '../api/accounts';
import type { AccountStatus } from '../api/accounts';
import { ApiError } from '../api/http';
import { queryKeys } from '../api/query-keys';

export const CHECKLIST_PAGE_SIZES = [25, 50, 100, 200];
export const DEFAULT_CHECKLIST_PAGE_SIZE = 50;

export interface ChecklistFilters {
  q: string;
  status: AccountStatus | '';
  department: string;
  limit: number;
  cursor: string | null;
}

/** The filters a checklist opened at this address starts with (they live in the URL; the first page has no cursor). */
export function checklistFiltersFrom(params: URLSearchParams): ChecklistFilters {
  return {
    q: (params.get('q') ?? '').trim(),
    status: (params.get('status') ?? '') as AccountStatus | '',
    department: (params.get('department') ?? '').trim(),
    limit: DEFAULT_CHECKLIST_PAGE_SIZE,
    cursor: null,
  };
}

/**
 * One page of a provider's checklist. The checklist asks with it, and so does the console's start when it is
 * opened at a provider page (before the page's code has loaded): same key, so the page finds the answer there.
 */
export function checklistQuery(providerId: string, filters: ChecklistFilters) {
  return queryOptions({
    queryKey: [...queryKeys.providerAccounts(providerId), filters],
    queryFn: ({ signal }) => listProviderAccounts(providerId, filters, signal),
    // Right after "Add provider" the accounts service may not know the provider yet (it learns of it from an
    // event a moment later) and answers 404: ask again shortly. A provider that does not exist fails the
    // provider query, and then the page does not show the checklist at all.
    retry: (failureCount, error) =>
      failureCount < 3 && (!(error instanceof ApiError) || error.status === 0 || error.status === 404 || error.status >= 500),
    retryDelay: (attempt) => Math.min(250 * 2 ** attempt, 2000),
  });
}
