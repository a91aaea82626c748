import type { QueryClient } from '@tanstack/react-query';
import type { Role } from './api/employees';
import { checklistFiltersFrom, checklistQuery } from './accounts/checklist-query';
import { lazyScreen } from './components/lazy-screen';
import type { LazyScreen } from './components/lazy-screen';
import { providerQuery, providersQuery } from './providers/provider-queries';

// Screens load on demand so the first paint carries only the shell.
export const ProvidersPage = lazyScreen(() => import('./providers/ProvidersPage'));
export const ProviderPage = lazyScreen(() => import('./providers/ProviderPage'));
export const WorkflowsPage = lazyScreen(() => import('./workflows/WorkflowsPage'));
export const WorkflowEditPage = lazyScreen(() => import('./workflows/WorkflowEditPage'));
export const WorkflowRunsPage = lazyScreen(() => import('./workflows/WorkflowRunsPage'));
export const WorkflowRunPage = lazyScreen(() => import('./workflows/WorkflowRunPage'));
export const PeoplePage = lazyScreen(() => import('./people/PeoplePage'));
export const EmployeePage = lazyScreen(() => import('./people/EmployeePage'));
export const AccessPage = lazyScreen(() => import('./access/AccessPage'));

/**
 * The console's start, signed in already (a reload, a link): fetches the code of the screen at this address
 * and starts the screen's first queries at once, rather than after the shell has rendered and the screen's
 * code has come (a provider page has to show its first rows within 1 s with 10,000 people). Resolves when the
 * code is loaded, so that the first render shows the screen without a fallback. The queries are the ones the
 * screen asks with (same keys and options), for the roles that may see it.
 */
export function preloadScreen({ pathname, search }: { pathname: string; search: string }, queryClient: QueryClient, role: Role | 'integration'): Promise<void> {
  const [, first = '', second] = pathname.split('/');
  const id = second ? safeDecode(second) : undefined;
  const isAdmin = role === 'admin';
  if (isAdmin && first === 'providers' && id) {
    void queryClient.prefetchQuery(providerQuery(id));
    void queryClient.prefetchQuery(checklistQuery(id, checklistFiltersFrom(new URLSearchParams(search))));
  } else if (isAdmin && (first === 'providers' || first === '')) {
    void queryClient.prefetchQuery(providersQuery());
  }
  const screen: LazyScreen | undefined =
    first === '' ? (isAdmin ? ProvidersPage : role === 'manager' ? PeoplePage : EmployeePage) // where Home leads
    : first === 'providers' ? (id ? ProviderPage : ProvidersPage)
    : first === 'workflows' ? (id ? WorkflowEditPage : WorkflowsPage)
    : first === 'workflow-runs' ? (id ? WorkflowRunPage : WorkflowRunsPage)
    : first === 'people' ? (id ? EmployeePage : PeoplePage)
    : first === 'access' ? AccessPage
    : undefined;
  return screen?.preload() ?? Promise.resolve();
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
