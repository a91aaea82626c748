import { queryOptions } from '@tanstack/react-query';
import { getProvider, listProviders } from '../api/providers';
import { queryKeys } from '../api/query-keys';

// Asked by the providers' screens, and by the console's start when it is opened at one of them (screens.ts
// preloadScreen), before the screen's code has loaded: one definition, so the screen finds the answer.

/** Every provider in use (the Provisioning overview). */
export function providersQuery() {
  return queryOptions({ queryKey: queryKeys.providers, queryFn: ({ signal }) => listProviders(signal) });
}

/** One provider's details (its page). */
export function providerQuery(providerId: string) {
  return queryOptions({ queryKey: queryKeys.provider(providerId), queryFn: ({ signal }) => getProvider(providerId, signal) });
}
