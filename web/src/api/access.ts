import { request } from './http';
import type { Page } from './http';
import type { AccountFields, AccountStatus } from './accounts';

/** A row of the org-wide access view: an account that is not `no_account`. */
export interface AccessRow extends AccountFields {
  employeeId?: string;
  providerId?: string;
  employee?: { id: string; name: string; email?: string; department?: string | null; status?: string };
  provider?: { id: string; name: string };
}

export interface AccessQuery {
  providerId?: string;
  employeeId?: string;
  status?: Exclude<AccountStatus, 'no_account'> | '';
  limit?: number;
  cursor?: string | null;
}

export function listAccess(query: AccessQuery, signal?: AbortSignal): Promise<Page<AccessRow>> {
  return request('/v1/access', { query: { ...query }, signal });
}

export interface AccessRisk {
  employee: { id: string; name: string };
  provider: { id: string; name: string };
  status: Extract<AccountStatus, 'provisioned' | 'deprovisioning_requested'>;
  terminationDate: string;
  daysSinceTermination: number;
}

export function listAccessRisks(signal?: AbortSignal): Promise<Page<AccessRisk>> {
  return request('/v1/access/risks', { query: { limit: 500 }, signal });
}
