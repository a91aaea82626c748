import { useState } from 'react';
import { Link, useNavigate } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { createProvider } from '../api/providers';
import type { Provider } from '../api/providers';
import { queryKeys } from '../api/query-keys';
import { useAnnouncer } from '../components/announcer';
import { Dialog } from '../components/Dialog';
import { Empty, QueryState } from '../components/QueryState';
import { PageHeader } from '../layout/PageHeader';
import { EmployeeName } from '../people/EmployeeName';
import { ProviderForm } from './ProviderForm';
import { ProviderLogo } from './ProviderLogo';
import { toProviderInput, valuesFrom } from './provider-form-values';
import { providersQuery } from './provider-queries';

/** The Provisioning overview: every provider with its assignees and counts. */
export default function ProvidersPage() {
  const [adding, setAdding] = useState(false);
  const providers = useQuery(providersQuery());

  return (
    <>
      <PageHeader title="Provisioning" lead="Every app your company uses, who handles its requests, and how many people have access.">
        <button type="button" className="button button--primary" onClick={() => setAdding(true)}>
          Add provider
        </button>
      </PageHeader>
      <QueryState query={providers} loadingLabel="Loading providers…">
        {(page) =>
          page.items.length === 0 ? (
            <Empty>
              <p>No providers yet. Add the apps your company uses to start tracking who has an account.</p>
            </Empty>
          ) : (
            <ul className="provider-grid" aria-label="Providers">
              {page.items.map((p) => (
                <li key={p.id}>
                  <ProviderCard provider={p} />
                </li>
              ))}
            </ul>
          )
        }
      </QueryState>
      {adding && <AddProviderDialog onClose={() => setAdding(false)} />}
    </>
  );
}

/** Assignees are read one by one (a few distinct people, cached), not by listing the whole roster. */
function ProviderCard({ provider: p }: { provider: Provider }) {
  const counts = p.counts ?? { provisioned: 0, provisioningRequested: 0, deprovisioningRequested: 0 };
  return (
    <article className="card provider-card" aria-labelledby={`provider-${p.id}`}>
      <div className="provider-card__head">
        <ProviderLogo name={p.name} logoUrl={p.logoUrl} size={40} />
        <div>
          <h2 id={`provider-${p.id}`} className="provider-card__name">
            {p.name}
          </h2>
          {p.website && (
            <a href={p.website} target="_blank" rel="noreferrer noopener" className="provider-card__site">
              {p.website.replace(/^https?:\/\//, '')}
            </a>
          )}
        </div>
      </div>
      <dl className="provider-card__counts">
        <div>
          <dt>Provisioned</dt>
          <dd>{counts.provisioned}</dd>
        </div>
        <div>
          <dt>Provisioning Requested</dt>
          <dd>{counts.provisioningRequested}</dd>
        </div>
        <div>
          <dt>Deprovisioning Requested</dt>
          <dd>{counts.deprovisioningRequested}</dd>
        </div>
      </dl>
      <dl className="provider-card__assignees">
        <div>
          <dt>Provisioning assignee</dt>
          <dd>
            <EmployeeName id={p.provisioning.assigneeId} link={false} />
          </dd>
        </div>
        <div>
          <dt>Deprovisioning assignee</dt>
          <dd>
            <EmployeeName id={p.deprovisioning.assigneeId} link={false} />
          </dd>
        </div>
      </dl>
      <Link className="button" to={`/providers/${encodeURIComponent(p.id)}`} aria-label={`View ${p.name}`}>
        View
      </Link>
    </article>
  );
}

function AddProviderDialog({ onClose }: { onClose: () => void }) {
  const queryClient = useQueryClient();
  const navigate = useNavigate();
  const { announce } = useAnnouncer();
  const create = useMutation({
    mutationFn: createProvider,
    onSuccess: (provider) => {
      void queryClient.invalidateQueries({ queryKey: queryKeys.providers });
      announce('success', `${provider.name} added. Everyone starts with No Account.`);
      onClose();
      navigate(`/providers/${encodeURIComponent(provider.id)}`);
    },
  });
  return (
    <Dialog title="Add provider" onClose={onClose} wide>
      <ProviderForm
        initial={valuesFrom()}
        submitLabel="Add provider"
        pending={create.isPending}
        error={create.error}
        onSubmit={(values) => create.mutate(toProviderInput(values))}
        onCancel={onClose}
      />
    </Dialog>
  );
}
