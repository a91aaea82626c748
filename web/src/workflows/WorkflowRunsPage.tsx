import { useId, useMemo } from 'react';
import { Link } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { listWorkflowRuns } from '../api/workflow-runs';
import type { RunStatus, WorkflowRun } from '../api/workflow-runs';
import { listWorkflows } from '../api/workflows';
import { queryKeys } from '../api/query-keys';
import { ApiErrorNotice } from '../components/ApiErrorNotice';
import { Empty, Loading } from '../components/QueryState';
import { Pager } from '../components/Pager';
import { formatDateTime } from '../components/format';
import { useCursorStack } from '../components/use-cursor-stack';
import { PageHeader } from '../layout/PageHeader';
import { EmployeeName } from '../people/EmployeeName';
import { EmployeePicker } from '../people/EmployeePicker';
import { WorkflowStatusBadge } from './WorkflowStatusBadge';
import { useUrlFilters } from '../components/use-url-filters';

const TRIGGER_LABELS = { hire: 'Hire', termination: 'Termination', manual: 'Started by hand' } as const;

export function useWorkflowNames() {
  const workflows = useQuery({ queryKey: queryKeys.workflows, queryFn: ({ signal }) => listWorkflows(signal), staleTime: 60_000 });
  return useMemo(() => new Map((workflows.data?.items ?? []).map((w) => [w.id, w.name])), [workflows.data]);
}

export default function WorkflowRunsPage() {
  const id = useId();
  const { params, setFilters: setFilter } = useUrlFilters();
  const status = (params.get('status') ?? '') as RunStatus | '';
  const employeeId = params.get('employeeId') ?? '';
  const employeeName = params.get('employeeName') ?? '';
  const pages = useCursorStack(`${status}|${employeeId}`);
  const names = useWorkflowNames();
  const runs = useQuery({
    queryKey: [...queryKeys.runs, { status, employeeId, cursor: pages.cursor }],
    queryFn: ({ signal }) => listWorkflowRuns({ status, employeeId, limit: 50, cursor: pages.cursor }, signal),
    placeholderData: keepPreviousData,
  });

  return (
    <>
      <PageHeader title="Workflow runs" />
      <div className="filters" role="search">
        <div className="field field--inline">
          <label htmlFor={`${id}-status`}>Status</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setFilter({ status: e.target.value })}>
            <option value="">All</option>
            <option value="running">Running</option>
            <option value="completed">Completed</option>
            <option value="cancelled">Cancelled</option>
          </select>
        </div>
        <EmployeePicker
          label="Person"
          value={employeeId ? { id: employeeId, name: employeeName || employeeId } : null}
          onChange={(e) => setFilter({ employeeId: e?.id ?? '', employeeName: e?.name ?? '' })}
        />
      </div>
      {runs.isPending ? (
        <Loading label="Loading runs…" />
      ) : runs.isError ? (
        <ApiErrorNotice error={runs.error} onRetry={() => void runs.refetch()} />
      ) : runs.data.items.length === 0 ? (
        <Empty>No workflow runs match.</Empty>
      ) : (
        <RunTable runs={runs.data.items} workflowName={(wid) => names.get(wid)} />
      )}
      <Pager
        label="Run pages"
        pageNumber={pages.pageNumber}
        hasPrevious={pages.hasPrevious}
        nextCursor={runs.data?.nextCursor}
        onPrevious={pages.previous}
        onNext={pages.next}
        busy={runs.isFetching}
      />
    </>
  );
}

export function RunTable({
  runs,
  workflowName,
  showEmployee = true,
}: {
  runs: WorkflowRun[];
  workflowName: (id: string) => string | undefined;
  showEmployee?: boolean;
}) {
  return (
    <div className="table-wrap">
      <table className="table">
        <caption className="visually-hidden">Workflow runs</caption>
        <thead>
          <tr>
            <th scope="col">Workflow</th>
            {showEmployee && <th scope="col">Person</th>}
            <th scope="col" className="hide-narrow">Trigger</th>
            <th scope="col">Status</th>
            <th scope="col" className="hide-narrow">Tasks done</th>
            <th scope="col" className="hide-narrow">Started</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => {
            const done = run.tasks.filter((t) => t.status === 'completed').length;
            const overdue = run.tasks.some((t) => t.status === 'overdue');
            return (
              <tr key={run.id}>
                <td>
                  <Link to={`/workflow-runs/${encodeURIComponent(run.id)}`}>
                    {run.workflowName ?? workflowName(run.workflowId) ?? 'Workflow'} (v{run.workflowVersion})
                  </Link>
                </td>
                {showEmployee && (
                  <td>
                    <EmployeeName id={run.employeeId} />
                  </td>
                )}
                <td className="hide-narrow">{TRIGGER_LABELS[run.trigger] ?? run.trigger}</td>
                <td>
                  <WorkflowStatusBadge status={run.status} />
                  {overdue && run.status === 'running' && <span className="badge badge--overdue">Overdue</span>}
                </td>
                <td className="hide-narrow">
                  {done} of {run.tasks.length}
                </td>
                <td className="hide-narrow">{formatDateTime(run.startedAt)}</td>
              </tr>
            );
          })}
        </tbody>
      </table>
    </div>
  );
}
