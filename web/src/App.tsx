import { lazy, Suspense } from 'react';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useSessionContext, useSession } from './auth/session';
import { SignInPage } from './auth/SignInPage';
import { AppShell } from './layout/AppShell';
import { Loading } from './components/QueryState';
import { NotFoundPage, ForbiddenPage } from './layout/StatusPages';

// Screens load on demand so the first paint carries only the shell.
const screens = {
  providers: () => import('./providers/ProvidersPage'),
  provider: () => import('./providers/ProviderPage'),
  workflows: () => import('./workflows/WorkflowsPage'),
  workflowEdit: () => import('./workflows/WorkflowEditPage'),
  workflowRuns: () => import('./workflows/WorkflowRunsPage'),
  workflowRun: () => import('./workflows/WorkflowRunPage'),
  people: () => import('./people/PeoplePage'),
  employee: () => import('./people/EmployeePage'),
  access: () => import('./access/AccessPage'),
};
const ProvidersPage = lazy(screens.providers);
const ProviderPage = lazy(screens.provider);
const WorkflowsPage = lazy(screens.workflows);
const WorkflowEditPage = lazy(screens.workflowEdit);
const WorkflowRunsPage = lazy(screens.workflowRuns);
const WorkflowRunPage = lazy(screens.workflowRun);
const PeoplePage = lazy(screens.people);
const EmployeePage = lazy(screens.employee);
const AccessPage = lazy(screens.access);

/**
 * Starts loading the screen of the address the console is opened at while the shell still starts up, instead
 * of after its first render (a provider page has to show its first rows within 1 s). The module is fetched
 * once: lazy() gets the same one.
 */
export function preloadScreen(pathname: string): void {
  const [, first, second] = pathname.split('/');
  const load =
    first === 'providers' ? (second ? screens.provider : screens.providers)
    : first === 'workflows' ? (second ? screens.workflowEdit : screens.workflows)
    : first === 'workflow-runs' ? (second ? screens.workflowRun : screens.workflowRuns)
    : first === 'people' ? (second ? screens.employee : screens.people)
    : first === 'access' ? screens.access
    : undefined;
  void load?.().catch(() => undefined); // a failed preload is retried (and reported) by lazy()
}

export function App() {
  const { session } = useSessionContext();
  if (!session) return <SignInPage />;
  return (
    <AppShell>
      <Suspense fallback={<Loading />}>
        <Routes>
          <Route path="/" element={<Home />} />
          <Route path="/providers" element={<AdminOnly><ProvidersPage /></AdminOnly>} />
          <Route path="/providers/:providerId" element={<AdminOnly><ProviderPage /></AdminOnly>} />
          <Route path="/workflows" element={<AdminOnly><WorkflowsPage /></AdminOnly>} />
          <Route path="/workflows/new" element={<AdminOnly><WorkflowEditPage /></AdminOnly>} />
          <Route path="/workflows/:workflowId" element={<AdminOnly><WorkflowEditPage /></AdminOnly>} />
          <Route path="/workflow-runs" element={<AdminOnly><WorkflowRunsPage /></AdminOnly>} />
          <Route path="/workflow-runs/:runId" element={<WorkflowRunPage />} />
          <Route path="/people" element={<NotForEmployees><PeoplePage /></NotForEmployees>} />
          <Route path="/people/:employeeId" element={<EmployeePage />} />
          <Route path="/access" element={<AdminOnly><AccessPage /></AdminOnly>} />
          <Route path="*" element={<NotFoundPage />} />
        </Routes>
      </Suspense>
    </AppShell>
  );
}

function Home() {
  const { claims } = useSession();
  if (claims.role === 'admin') return <Navigate to="/providers" replace />;
  if (claims.role === 'manager') return <Navigate to="/people" replace />;
  return <Navigate to={`/people/${encodeURIComponent(claims.sub)}`} replace />;
}

function AdminOnly({ children }: { children: ReactNode }) {
  const { isAdmin } = useSession();
  return isAdmin ? <>{children}</> : <ForbiddenPage />;
}

function NotForEmployees({ children }: { children: ReactNode }) {
  const { claims } = useSession();
  return claims.role === 'employee' ? <ForbiddenPage /> : <>{children}</>;
}
