import { useState } from 'react';
import { useNavigate, useParams } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { archiveProvider, updateProvider } from '../api/providers';
import type { Provider } from '../api/providers';
import { queryKeys } from '../api/query-keys';
import { AccountsChecklist } from '../accounts/AccountsChecklist';
import { useAnnouncer } from '../components/announcer';
import { ConfirmDialog } from '../components/ConfirmDialog';
import { Dialog } from '../components/Dialog';
import { QueryState } from '../components/QueryState';
import { PageHeader } from '../layout/PageHeader';
import { EmployeeName } from '../people/EmployeeName';
import { ProviderForm } from './ProviderForm';
import { ProviderLogo } from './ProviderLogo';
import { toProviderPatch, valuesFrom } from './provider-form-values';
import { providerQuery } from './provider-queries';

export default function ProviderPage() {
  const { providerId = '' } = useParams();
  const provider = useQuery(providerQuery(providerId));
  // The checklist does not wait for the provider: both requests start together, so the first rows come one
  // round trip sooner (the page has to show them within 1 s with 10,000 people).
  return (
    <>
      <QueryState query={provider} loadingLabel="Loading provider…">
        {(p) => <ProviderView provider={p} />}
      </QueryState>
      {!provider.isError && <AccountsChecklist provider={{ id: providerId, name: provider.data?.name ?? 'this provider' }} />}
    </>
  );
}

function ProviderView({ provider }: { provider: Provider }) {
  const [editing, setEditing] = useState(false);
  const [archiving, setArchiving] = useState(false);
  return (
    <>
      <PageHeader
        title={
          <span className="title-with-logo">
            <ProviderLogo name={provider.name} logoUrl={provider.logoUrl} size={36} />
            {provider.name}
          </span>
        }
        lead={
          provider.website ? (
            <a href={provider.website} target="_blank" rel="noreferrer noopener">
              {provider.website}
            </a>
          ) : undefined
        }
      >
        <button type="button" className="button" onClick={() => setEditing(true)}>
          Edit provider
        </button>
        <button type="button" className="button button--danger" onClick={() => setArchiving(true)}>
          Archive provider
        </button>
      </PageHeader>

      <section className="instructions" aria-label="Instructions">
        <div className="card">
          <h2>Provisioning</h2>
          {/* One read per assignee, not the whole roster: the page has to be quick with 10,000 people. */}
          <p className="muted">Assignee: <EmployeeName id={provider.provisioning.assigneeId} link={false} /></p>
          <Instructions text={provider.provisioning.instructions} />
        </div>
        <div className="card">
          <h2>Deprovisioning</h2>
          <p className="muted">Assignee: <EmployeeName id={provider.deprovisioning.assigneeId} link={false} /></p>
          <Instructions text={provider.deprovisioning.instructions} />
        </div>
      </section>

      {editing && <EditProviderDialog provider={provider} onClose={() => setEditing(false)} />}
      {archiving && <ArchiveProviderDialog provider={provider} onClose={() => setArchiving(false)} />}
    </>
  );
}

function Instructions({ text }: { text: string | null | undefined }) {
  if (!text?.trim()) return <p className="muted">No instructions.</p>;
  return <p className="instructions__text">{text}</p>;
}

function EditProviderDialog({ provider, onClose }: { provider: Provider; onClose: () => void }) {
  const queryClient = useQueryClient();
  const { announce } = useAnnouncer();
  const before = valuesFrom(provider);
  const update = useMutation({
    mutationFn: (patch: ReturnType<typeof toProviderPatch>) => updateProvider(provider.id, patch),
    onSuccess: (updated) => {
      queryClient.setQueryData(queryKeys.provider(provider.id), updated);
      void queryClient.invalidateQueries({ queryKey: queryKeys.providers });
      announce('success', `${updated.name} saved.`);
      onClose();
    },
  });
  return (
    <Dialog title={`Edit ${provider.name}`} onClose={onClose} wide>
      <ProviderForm
        initial={before}
        submitLabel="Save changes"
        pending={update.isPending}
        error={update.error}
        onSubmit={(values) => {
          const patch = toProviderPatch(before, values);
          if (Object.keys(patch).length === 0) onClose();
          else update.mutate(patch);
        }}
        onCancel={onClose}
      />
    </Dialog>
  );
}

function ArchiveProviderDialog({ provider, onClose }: { provider: Provider; onClose: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { announce } = useAnnouncer();
  const archive = useMutation({
    mutationFn: () => archiveProvider(provider.id),
    onSuccess: () => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.providers });
      announce('success', `${provider.name} archived.`);
      navigate('/providers');
    },
  });
  return (
    <ConfirmDialog
      title={`Archive ${provider.name}?`}
      confirmLabel="Archive provider"
      danger
      pending={archive.isPending}
      error={archive.error}
      onConfirm={() => archive.mutate()}
      onClose={onClose}
    >
      <p>
        {provider.name} leaves the lists and can no longer be picked in workflows. Its history stays. This cannot be
        undone from the console.
      </p>
    </ConfirmDialog>
  );
}
