import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { listWorkflows } from '../api/workflows';
import type { Workflow, WorkflowTrigger } from '../api/workflows';
import { queryKeys } from '../api/query-keys';
import { Empty, QueryState } from '../components/QueryState';
import { PageHeader } from '../layout/PageHeader';
import { WorkflowStatusBadge } from './WorkflowStatusBadge';

export function describeTrigger(t: WorkflowTrigger): string {
  const parts = [t.on === 'hire' ? 'On hire' : 'On termination'];
  const m = t.match ?? {};
  if (m.department?.length) parts.push(`department ${m.department.join(', ')}`);
  if (m.jobTitle?.length) parts.push(`job title ${m.jobTitle.join(', ')}`);
  if (m.location?.length) parts.push(`location ${m.location.join(', ')}`);
  return parts.join(' · ');
}

export default function WorkflowsPage() {
  const workflows = useQuery({ queryKey: queryKeys.workflows, queryFn: ({ signal }) => listWorkflows(signal) });
  return (
    <>
      <PageHeader title="Workflows" lead="Provisioning workflows run on hire, deprovisioning workflows on termination.">
        <Link to="/workflows/new" className="button button--primary">
          New workflow
        </Link>
      </PageHeader>
      <QueryState query={workflows} loadingLabel="Loading workflows…">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>
              <p>No workflows yet. We recommend one Provisioning and one Deprovisioning workflow.</p>
            </Empty>
          ) : (
            <WorkflowTable workflows={page.items} />
          )
        }
      </QueryState>
    </>
  );
}

function WorkflowTable({ workflows }: { workflows: Workflow[] }) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Workflows</caption>
        <thead>
          <tr>
            <th scope="col">Name</th>
            <th scope="col">Kind</th>
            <th scope="col">Status</th>
            <th scope="col">Version</th>
            <th scope="col" className="hide-narrow">Triggers</th>
          </tr>
        </thead>
        <tbody>
          {workflows.map((w) => (
            <tr key={w.id}>
              <td>
                <Link to={`/workflows/${encodeURIComponent(w.id)}`}>{w.name}</Link>
              </td>
              <td>{w.kind === 'provisioning' ? 'Provisioning' : 'Deprovisioning'}</td>
              <td>
                <WorkflowStatusBadge status={w.status} />
              </td>
              <td>v{w.version}</td>
              <td className="hide-narrow">
                {w.triggers?.length ? (
                  <ul className="plain-list">
                    {w.triggers.map((t, i) => (
                      <li key={i}>{describeTrigger(t)}</li>
                    ))}
                  </ul>
                ) : (
                  <span className="muted">Manual / hiring template only</span>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  );
}
