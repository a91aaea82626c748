import { Suspense } from 'react';
import type { ReactNode } from 'react';
import { Navigate, Route, Routes } from 'react-router';
import { useSessionContext, useSession } from './auth/session';
import { SignInPage } from './auth/SignInPage';
import { AppShell } from './layout/AppShell';
import { Loading } from './components/QueryState';
import { NotFoundPage, ForbiddenPage } from './layout/StatusPages';
import {
  AccessPage,
  EmployeePage,
  PeoplePage,
  ProviderPage,
  ProvidersPage,
  WorkflowEditPage,
  WorkflowRunPage,
  WorkflowRunsPage,
  WorkflowsPage,
} from './screens';

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
