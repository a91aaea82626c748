import { useState } from 'react';
import { Link, useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { listProviders } from '../api/providers';
import { queryKeys } from '../api/query-keys';
import { archiveWorkflow, createWorkflow, getWorkflow, publishWorkflow, startWorkflowRun, updateWorkflow } from '../api/workflows';
import type { Workflow, WorkflowInput } from '../api/workflows';
import { ApiErrorNotice } from '../components/ApiErrorNotice';
import { useAnnouncer } from '../components/announcer';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { Loading, QueryState } from '../components/QueryState';
import { PageHeader } from '../layout/PageHeader';
import { EmployeePicker } from '../people/EmployeePicker';
import { useAdmins } from '../people/use-admins';
import { WorkflowBuilder } from './WorkflowBuilder';
import { WorkflowStatusBadge } from './WorkflowStatusBadge';
import { draftFrom, emptyDraft } from './workflow-draft';

export default function WorkflowEditPage() {
  const { workflowId } = useParams();
  const providers = useQuery({ queryKey: queryKeys.providers, queryFn: ({ signal }) => listProviders(signal) });
  const admins = useAdmins();
  const workflow = useQuery({
    queryKey: queryKeys.workflow(workflowId ?? ''),
    queryFn: ({ signal }) => getWorkflow(workflowId ?? '', signal),
    enabled: workflowId !== undefined,
  });

  if (providers.isPending || admins.isPending) return <Loading label="Loading providers and admins…" />;
  if (providers.isError) return <ApiErrorNotice error={providers.error} onRetry={() => void providers.refetch()} />;
  if (admins.isError) return <ApiErrorNotice error={admins.error} onRetry={() => void admins.refetch()} />;
  const context = { providers: providers.data.items, admins: admins.data };

  if (workflowId === undefined) return <NewWorkflow {...context} />;
  return (
    <QueryState query={workflow} loadingLabel="Loading workflow…">
      {(w) => <EditWorkflow key={`${w.id}:${w.version}:${w.status}:${w.updatedAt ?? ''}`} workflow={w} {...context} />}
    </QueryState>
  );
}

type Context = { providers: Awaited<ReturnType<typeof listProviders>>['items']; admins: NonNullable<ReturnType<typeof useAdmins>['data']> };

function NewWorkflow({ providers, admins }: Context) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const { announce } = useAnnouncer();
  const create = useMutation({
    mutationFn: createWorkflow,
    onSuccess: (w) => {
      queryClient.setQueryData(queryKeys.workflow(w.id), w);
      void queryClient.invalidateQueries({ queryKey: queryKeys.workflows, exact: true });
      announce('success', `${w.name} saved as a draft.`);
      navigate(`/workflows/${encodeURIComponent(w.id)}`, { replace: true });
    },
  });
  return (
    <>
      <PageHeader title="New workflow" lead={<Link to="/workflows">Back to workflows</Link>} />
      <WorkflowBuilder
        initial={emptyDraft()}
        providers={providers}
        admins={admins}
        saving={create.isPending}
        error={create.error}
        onSave={(input) => create.mutate(input)}
      />
    </>
  );
}

function EditWorkflow({ workflow, providers, admins }: Context & { workflow: Workflow }) {
  const queryClient = useQueryClient();
  const { announce } = useAnnouncer();
  const [confirmArchive, setConfirmArchive] = useState(false);
  const [starting, setStarting] = useState(false);
  const saved = (w: Workflow, message: string) => {
    queryClient.setQueryData(queryKeys.workflow(w.id), w);
    void queryClient.invalidateQueries({ queryKey: queryKeys.workflows, exact: true });
    announce('success', message);
  };
  const update = useMutation({
    mutationFn: (input: WorkflowInput) => updateWorkflow(workflow.id, input),
    onSuccess: (w) => saved(w, `Saved as draft version ${w.version}.`),
  });
  const publish = useMutation({
    mutationFn: () => publishWorkflow(workflow.id),
    onSuccess: (w) => saved(w, `${w.name} version ${w.version} is published.`),
  });
  const archive = useMutation({
    mutationFn: () => archiveWorkflow(workflow.id),
    onSuccess: (w) => {
      setConfirmArchive(false);
      saved(w, `${w.name} archived.`);
    },
  });
  const archived = workflow.status === 'archived';

  return (
    <>
      <PageHeader
        title={workflow.name}
        lead={
          <span className="inline-meta">
            <WorkflowStatusBadge status={workflow.status} />
            <span>Version {workflow.version}</span>
            <span>{workflow.kind === 'provisioning' ? 'Provisioning' : 'Deprovisioning'}</span>
          </span>
        }
      >
        {workflow.status === 'draft' && (
          <button type="button" className="button button--primary" disabled={publish.isPending} onClick={() => publish.mutate()}>
            {publish.isPending ? 'Publishing…' : 'Publish'}
          </button>
        )}
        {workflow.status === 'published' && (
          <button type="button" className="button" onClick={() => setStarting(true)}>
            Start for a person
          </button>
        )}
        {!archived && (
          <button type="button" className="button button--danger" onClick={() => setConfirmArchive(true)}>
            Archive
          </button>
        )}
      </PageHeader>
      {publish.error && <ApiErrorNotice error={publish.error} />}
      {workflow.status === 'published' && (
        <p className="notice notice--info">
          This version is published. Saving changes makes the next draft version; runs already started keep version {workflow.version}.
        </p>
      )}
      {workflow.status === 'draft' && <p className="notice notice--info">Save your changes before publishing: Publish uses the saved draft.</p>}
      <WorkflowBuilder
        initial={draftFrom(workflow)}
        providers={providers}
        admins={admins}
        readOnly={archived}
        saving={update.isPending}
        error={update.error}
        onSave={(input) => update.mutate(input)}
        submitLabel={workflow.status === 'published' ? 'Save as new draft version' : 'Save draft'}
      />
      {confirmArchive && (
        <ConfirmDialog
          title={`Archive ${workflow.name}?`}
          confirmLabel="Archive workflow"
          danger
          pending={archive.isPending}
          error={archive.error}
          onConfirm={() => archive.mutate()}
          onClose={() => setConfirmArchive(false)}
        >
          <p>It will no longer start on hire or termination. Runs already started go on.</p>
        </ConfirmDialog>
      )}
      {starting && <StartRunDialog workflow={workflow} onClose={() => setStarting(false)} />}
    </>
  );
}

function StartRunDialog({ workflow, onClose }: { workflow: Workflow; onClose: () => void }) {
  const navigate = useNavigate();
  const queryClient = useQueryClient();
  const [person, setPerson] = useState<{ id: string; name: string } | null>(null);
  const start = useMutation({
    mutationFn: (employeeId: string) => startWorkflowRun(workflow.id, employeeId),
    onSuccess: (run) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.runs });
      navigate(`/workflow-runs/${encodeURIComponent(run.id)}`);
    },
  });
  return (
    <Dialog title={`Start ${workflow.name}`} onClose={onClose}>
      <EmployeePicker label="Person" value={person} onChange={setPerson} />
      {start.error && <ApiErrorNotice error={start.error} />}
      <div className="form__actions">
        <button type="button" className="button" onClick={onClose}>
          Cancel
        </button>
        <button type="button" className="button button--primary" disabled={!person || start.isPending} onClick={() => person && start.mutate(person.id)}>
          {start.isPending ? 'Starting…' : 'Start run'}
        </button>
      </div>
    </Dialog>
  );
}
