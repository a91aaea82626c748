import { request } from './http';
import type { Role } from './employees';

/** Offered by the gateway only when `AUTH_DEV_LOGIN=true`; any other answer means "paste a token". */
export interface DevLoginOption {
  id: string;
  name: string;
  role: Role;
  companyId: string;
  companyName: string;
}

export function listDevLoginOptions(signal?: AbortSignal): Promise<{ items: DevLoginOption[] }> {
  return request('/v1/dev/login-options', { anonymous: true, signal });
}

export function devLogin(input: { employeeId: string; companyId: string }): Promise<{ token: string }> {
  return request('/v1/dev/login', { method: 'POST', body: input, anonymous: true });
}
