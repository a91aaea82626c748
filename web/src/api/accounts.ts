import { enc, request } from './http';
import type { Page } from './http';
import type { EmployeeStatus } from './employees';

export const ACCOUNT_STATUSES = [
  'no_account',
  'provisioning_requested',
  'provisioned',
  'deprovisioning_requested',
  'deprovisioned',
] as const;
export type AccountStatus = (typeof ACCOUNT_STATUSES)[number];

export const ACCOUNT_ACTIONS = [
  'request-provisioning',
  'mark-provisioned',
  'request-deprovisioning',
  'mark-deprovisioned',
  'cancel-request',
] as const;
export type AccountAction = (typeof ACCOUNT_ACTIONS)[number];

/** The fields every account answer carries. */
export interface AccountFields {
  status: AccountStatus;
  assigneeId: string | null;
  requestedAt: string | null;
  dueAt: string | null;
  updatedAt: string | null;
  version: number;
}

export interface Account extends AccountFields {
  providerId?: string;
  employeeId?: string;
}

/** One row of a provider's checklist. */
export interface ProviderAccountRow extends AccountFields {
  employee: {
    id: string;
    name: string;
    email: string;
    department: string | null;
    jobTitle: string | null;
    status: EmployeeStatus;
  };
}

export interface ProviderAccountsQuery {
  status?: AccountStatus | '';
  q?: string;
  department?: string;
  limit?: number;
  cursor?: string | null;
}

export function listProviderAccounts(
  providerId: string,
  query: ProviderAccountsQuery,
  signal?: AbortSignal,
): Promise<Page<ProviderAccountRow>> {
  return request(`/v1/providers/${enc(providerId)}/accounts`, { query: { ...query }, signal });
}

export interface AccountActionBody {
  note?: string;
  dueAt?: string;
  assigneeId?: string;
}

export function performAccountAction(
  providerId: string,
  employeeId: string,
  action: AccountAction,
  body: AccountActionBody = {},
): Promise<Account> {
  return request(`/v1/providers/${enc(providerId)}/accounts/${enc(employeeId)}/${action}`, {
    method: 'POST',
    body,
  });
}

/**
 * Gives an open request another assignee (default: the provider's assignee); status and due date stay. With
 * the account's `version`, a request that changed meanwhile is refused (409 CONFLICT).
 */
export function reassignRequest(providerId: string, employeeId: string, body: { assigneeId?: string; note?: string }, version?: number): Promise<Account> {
  return request(`/v1/providers/${enc(providerId)}/accounts/${enc(employeeId)}/reassign`, { method: 'POST', body, ifMatch: version });
}

export interface BatchAction {
  providerId: string;
  employeeId: string;
  action: AccountAction;
  note?: string;
}

export interface BatchResult {
  ok: boolean;
  account?: Account;
  error?: { code: string; message: string; requestId?: string; details?: unknown };
}

export const BATCH_LIMIT = 500;

export function runBatch(actions: BatchAction[]): Promise<{ results: BatchResult[] }> {
  return request('/v1/accounts/batch', { method: 'POST', body: { actions } });
}

/** The Provisioning section of an employee profile: one item per provider. */
export interface EmployeeAccount extends AccountFields {
  provider: { id: string; name: string; logoUrl: string | null };
}

export function listEmployeeAccounts(employeeId: string, signal?: AbortSignal): Promise<Page<EmployeeAccount>> {
  return request(`/v1/employees/${enc(employeeId)}/accounts`, { signal });
}

export interface AccountHistoryEntry {
  at: string;
  providerId: string;
  from: AccountStatus | null;
  to: AccountStatus;
  actorId: string | null;
  note: string | null;
  workflowRunId?: string | null;
}

export function listAccountHistory(employeeId: string, signal?: AbortSignal): Promise<Page<AccountHistoryEntry>> {
  return request(`/v1/employees/${enc(employeeId)}/accounts/history`, { query: { limit: 500 }, signal });
}
