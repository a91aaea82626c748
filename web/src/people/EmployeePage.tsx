import { useMemo } from 'react';
import { useParams } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { listAccountHistory } from '../api/accounts';
import type { EmployeeAccount } from '../api/accounts';
import { getEmployeeProfile } from '../api/employees';
import type { Employee, EmployeeProfile } from '../api/employees';
import { listProviders } from '../api/providers';
import { queryKeys } from '../api/query-keys';
import { AccountActionMenu } from '../accounts/AccountActionMenu';
import { StatusBadge } from '../accounts/StatusBadge';
import { useAccountAction } from '../accounts/use-account-action';
import { useSession } from '../auth/session';
import { Empty, QueryState } from '../components/QueryState';
import { formatDate } from '../components/format';
import { PageHeader } from '../layout/PageHeader';
import { ProviderLogo } from '../providers/ProviderLogo';
import { RunTable, useWorkflowNames } from '../workflows/WorkflowRunsPage';
import { HistoryTimeline } from './HistoryTimeline';

/** An employee's profile: details, the Provisioning section, the history timeline and workflow runs. */
export default function EmployeePage() {
  const { employeeId = '' } = useParams();
  const profile = useQuery({
    queryKey: queryKeys.profile(employeeId),
    queryFn: ({ signal }) => getEmployeeProfile(employeeId, signal),
  });
  return (
    <QueryState query={profile} loadingLabel="Loading profile…">
      {(p) => <ProfileView profile={p} />}
    </QueryState>
  );
}

function ProfileView({ profile }: { profile: EmployeeProfile }) {
  const { claims, isAdmin } = useSession();
  const { employee } = profile;
  const isSelf = claims.sub === employee.id;
  return (
    <>
      <PageHeader
        title={isSelf && !isAdmin ? 'My accounts' : employee.name}
        lead={
          <span className="inline-meta">
            {isSelf && !isAdmin && <span>{employee.name}</span>}
            {employee.jobTitle && <span>{employee.jobTitle}</span>}
            {employee.department && <span>{employee.department}</span>}
            {employee.status === 'terminated' && <span className="badge badge--terminated">Terminated</span>}
          </span>
        }
      />
      <EmployeeDetails employee={employee} />
      <ProvisioningSection employee={employee} accounts={profile.accounts} canAct={isAdmin} />
      <section aria-labelledby="history-heading" className="section">
        <h2 id="history-heading">History</h2>
        <History employeeId={employee.id} />
      </section>
      <section aria-labelledby="runs-heading" className="section">
        <h2 id="runs-heading">Workflow runs</h2>
        <Runs profile={profile} />
      </section>
    </>
  );
}

function EmployeeDetails({ employee: e }: { employee: Employee }) {
  return (
    <dl className="details card">
      <div>
        <dt>Email</dt>
        <dd>{e.email}</dd>
      </div>
      <div>
        <dt>Location</dt>
        <dd>{e.location ?? '—'}</dd>
      </div>
      <div>
        <dt>Start date</dt>
        <dd>{formatDate(e.startDate)}</dd>
      </div>
      {e.terminationDate && (
        <div>
          <dt>Termination date</dt>
          <dd>{formatDate(e.terminationDate)}</dd>
        </div>
      )}
    </dl>
  );
}

function ProvisioningSection({ employee, accounts, canAct }: { employee: Employee; accounts: EmployeeAccount[]; canAct: boolean }) {
  const action = useAccountAction();
  return (
    <section aria-labelledby="provisioning-heading" className="section">
      <h2 id="provisioning-heading">Provisioning</h2>
      {accounts.length === 0 ? (
        <Empty>No providers yet.</Empty>
      ) : (
        <ul className="account-list">
          {accounts.map((a) => (
            <li key={a.provider.id} className="account-list__item">
              <ProviderLogo name={a.provider.name} logoUrl={a.provider.logoUrl} size={28} />
              <span className="account-list__name">{a.provider.name}</span>
              <StatusBadge status={a.status} />
              {a.dueAt && a.status.endsWith('_requested') && <span className="muted small">due {formatDate(a.dueAt)}</span>}
              {canAct && (
                <AccountActionMenu
                  employeeName={employee.name}
                  providerName={a.provider.name}
                  status={a.status}
                  onAction={(act) =>
                    action.mutate({
                      providerId: a.provider.id,
                      providerName: a.provider.name,
                      employeeId: employee.id,
                      employeeName: employee.name,
                      action: act,
                    })
                  }
                />
              )}
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function History({ employeeId }: { employeeId: string }) {
  const history = useQuery({
    queryKey: queryKeys.history(employeeId),
    queryFn: ({ signal }) => listAccountHistory(employeeId, signal),
  });
  const providers = useQuery({ queryKey: queryKeys.providers, queryFn: ({ signal }) => listProviders(signal) });
  const names = useMemo(() => new Map((providers.data?.items ?? []).map((p) => [p.id, p.name])), [providers.data]);
  return (
    <QueryState query={history} loadingLabel="Loading history…">
      {(page) => <HistoryTimeline entries={page.items} providerName={(id) => names.get(id)} />}
    </QueryState>
  );
}

function Runs({ profile }: { profile: EmployeeProfile }) {
  const names = useWorkflowNames();
  if (profile.workflowRuns.length === 0) return <Empty>No workflow runs.</Empty>;
  return <RunTable runs={profile.workflowRuns} workflowName={(id) => names.get(id)} showEmployee={false} />;
}
