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

/**
 * The screens a role can open: an admin all of them; a manager their team, profiles and the runs linked from
 * them; an employee their own profile and its runs.
 */
export function screensOf(role: Role | 'integration'): LazyScreen[] {
  if (role === 'admin') {
    return [ProvidersPage, ProviderPage, WorkflowsPage, WorkflowEditPage, WorkflowRunsPage, WorkflowRunPage, PeoplePage, EmployeePage, AccessPage];
  }
  if (role === 'manager') return [PeoplePage, EmployeePage, WorkflowRunPage];
  if (role === 'employee') return [EmployeePage, WorkflowRunPage];
  return [];
}

/**
 * Fetches the code of every screen the role can open, so that moving to one later shows it at once instead of
 * "Loading…" while its code comes. Called when the browser is idle after the first screen is up.
 */
export async function preloadScreensOf(role: Role | 'integration'): Promise<void> {
  await Promise.all(screensOf(role).map((screen) => screen.preload()));
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}
