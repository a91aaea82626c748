import { useMemo, useState } from 'react';
import { useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listProviders } from '../api/providers';
import { cancelWorkflowRun, getWorkflowRun } from '../api/workflow-runs';
import type { RunTask, WorkflowRun } from '../api/workflow-runs';
import { queryKeys } from '../api/query-keys';
import { useSession } from '../auth/session';
import { useAnnouncer } from '../components/announcer';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { QueryState } from '../components/QueryState';
import { formatDate, formatDateTime } from '../components/format';
import { PageHeader } from '../layout/PageHeader';
import { EmployeeName } from '../people/EmployeeName';
import { nameOf, useAdmins } from '../people/use-admins';
import { WorkflowStatusBadge } from './WorkflowStatusBadge';
import { useWorkflowNames } from './WorkflowRunsPage';

const ITEM_STATE_LABELS = { pending: 'Pending', done: 'Done', skipped: 'Skipped (no account)' } as const;

export default function WorkflowRunPage() {
  const { runId = '' } = useParams();
  const run = useQuery({ queryKey: queryKeys.run(runId), queryFn: ({ signal }) => getWorkflowRun(runId, signal) });
  return (
    <QueryState query={run} loadingLabel="Loading run…">
      {(r) => <RunView run={r} />}
    </QueryState>
  );
}

function RunView({ run }: { run: WorkflowRun }) {
  const { isAdmin } = useSession();
  const queryClient = useQueryClient();
  const { announce } = useAnnouncer();
  const [confirmCancel, setConfirmCancel] = useState(false);
  const names = useWorkflowNames();
  const providers = useQuery({ queryKey: queryKeys.providers, queryFn: ({ signal }) => listProviders(signal) });
  const providerNames = useMemo(() => new Map((providers.data?.items ?? []).map((p) => [p.id, p.name])), [providers.data]);
  const cancel = useMutation({
    mutationFn: () => cancelWorkflowRun(run.id),
    onSuccess: (r) => {
      queryClient.setQueryData(queryKeys.run(run.id), r);
      void queryClient.invalidateQueries({ queryKey: queryKeys.runs });
      setConfirmCancel(false);
      announce('success', 'Run cancelled.');
    },
  });
  const title = run.workflowName ?? names.get(run.workflowId) ?? 'Workflow run';

  return (
    <>
      <PageHeader
        title={`${title} (v${run.workflowVersion})`}
        lead={
          <span className="inline-meta">
            <WorkflowStatusBadge status={run.status} />
            <span>
              For <EmployeeName id={run.employeeId} />
            </span>
            <span>Started {formatDateTime(run.startedAt)}</span>
            {run.completedAt && <span>Ended {formatDateTime(run.completedAt)}</span>}
          </span>
        }
      >
        {isAdmin && run.status === 'running' && (
          <button type="button" className="button button--danger" onClick={() => setConfirmCancel(true)}>
            Cancel run
          </button>
        )}
      </PageHeader>
      <ol className="task-list">
        {run.tasks.map((task, i) => (
          <li key={task.id}>
            <TaskCard task={task} index={i} providerName={(id) => providerNames.get(id) ?? id} />
          </li>
        ))}
      </ol>
      {confirmCancel && (
        <ConfirmDialog
          title="Cancel this run?"
          confirmLabel="Cancel run"
          danger
          pending={cancel.isPending}
          error={cancel.error}
          onConfirm={() => cancel.mutate()}
          onClose={() => setConfirmCancel(false)}
        >
          <p>Its open tasks stop. Accounts already changed stay as they are.</p>
        </ConfirmDialog>
      )}
    </>
  );
}

function TaskCard({ task, index, providerName }: { task: RunTask; index: number; providerName: (id: string) => string }) {
  const { isAdmin } = useSession();
  const admins = useAdmins(isAdmin);
  return (
    <article className={`card run-task${task.status === 'overdue' ? ' run-task--overdue' : ''}`} aria-label={task.title ?? `Task ${index + 1}`}>
      <header className="task__header">
        <h2 className="run-task__title">{task.title ?? `Task ${index + 1}`}</h2>
        <WorkflowStatusBadge status={task.status} />
      </header>
      <p className="muted small">
        {task.dueAt ? (
          <>
            Due {formatDate(task.dueAt)}
            {task.status === 'overdue' && <strong className="text-overdue"> · overdue</strong>}
          </>
        ) : (
          'No due date'
        )}
        {task.assigneeId && isAdmin && <> · Assignee: {nameOf(admins.data, task.assigneeId)}</>}
      </p>
      <ul className="run-task__items">
        {task.items.map((item) => (
          <li key={`${item.providerId}:${item.action}`}>
            <span>{providerName(item.providerId)}</span>{' '}
            <span className="badge badge--neutral">{item.action === 'provision' ? 'Provision' : 'Deprovision'}</span>{' '}
            <span className={`badge badge--item-${item.state}`}>{ITEM_STATE_LABELS[item.state]}</span>
          </li>
        ))}
      </ul>
    </article>
  );
}
