import { enc, request } from './http';
import type { Page } from './http';

export interface ProviderDirection {
  assigneeId: string;
  instructions?: string | null;
}

export interface ProviderCounts {
  provisioned: number;
  provisioningRequested: number;
  deprovisioningRequested: number;
}

export interface Provider {
  id: string;
  name: string;
  website: string | null;
  logoUrl: string | null;
  provisioning: ProviderDirection;
  deprovisioning: ProviderDirection;
  counts?: ProviderCounts;
  version?: number;
}

export interface ProviderInput {
  name: string;
  website?: string;
  logoUrl?: string;
  provisioning: { assigneeId: string; instructions?: string };
  deprovisioning: { assigneeId: string; instructions?: string };
}

/** Partial update; `null` clears an optional field. */
export type ProviderPatch = Partial<Omit<ProviderInput, 'website' | 'logoUrl'>> & {
  website?: string | null;
  logoUrl?: string | null;
};

export function listProviders(signal?: AbortSignal): Promise<Page<Provider>> {
  return request('/v1/providers', { query: { limit: 500 }, signal });
}

export function getProvider(id: string, signal?: AbortSignal): Promise<Provider> {
  return request(`/v1/providers/${enc(id)}`, { signal });
}

export function createProvider(input: ProviderInput): Promise<Provider> {
  return request('/v1/providers', { method: 'POST', body: input });
}

export function updateProvider(id: string, patch: ProviderPatch): Promise<Provider> {
  return request(`/v1/providers/${enc(id)}`, { method: 'PATCH', body: patch });
}

export function archiveProvider(id: string): Promise<void> {
  return request(`/v1/providers/${enc(id)}`, { method: 'DELETE' });
}
