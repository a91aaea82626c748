// Query keys in one place so that an invalidation after a change reaches every view of the same data.
import type { QueryClient } from '@tanstack/react-query';

export const queryKeys = {
  devLoginOptions: ['dev-login-options'] as const,
  providers: ['providers'] as const,
  provider: (id: string) => ['providers', id] as const,
  providerAccounts: (id: string) => ['provider-accounts', id] as const,
  admins: ['employees', 'admins'] as const,
  employees: ['employees'] as const,
  employee: (id: string) => ['employee', id] as const,
  profile: (id: string) => ['profile', id] as const,
  history: (id: string) => ['history', id] as const,
  workflows: ['workflows'] as const,
  workflow: (id: string) => ['workflows', id] as const,
  runs: ['workflow-runs'] as const,
  run: (id: string) => ['workflow-runs', 'one', id] as const,
  notifications: ['notifications'] as const,
  access: ['access'] as const,
  risks: ['access', 'risks'] as const,
};

/** Everything that shows an account's status; refreshed after any account action. */
export const accountViews = [['provider-accounts'], ['providers'], ['profile'], ['history'], ['access'], ['workflow-runs'], ['notifications']] as const;

/** Refreshes every view of accounts (after an account action, whether it worked or not). */
export function refreshAccountViews(queryClient: QueryClient): Promise<void[]> {
  return Promise.all(accountViews.map((key) => queryClient.invalidateQueries({ queryKey: [...key] })));
}
