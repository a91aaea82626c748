import { useId, useMemo } from 'react';
import { Link } from 'react-router';
import { useInfiniteQuery, useQuery } from '@tanstack/react-query';
import { listAccess } from '../api/access';
import type { AccessQuery, AccessRow } from '../api/access';
import { ACCOUNT_STATUSES } from '../api/accounts';
import { listProviders } from '../api/providers';
import { queryKeys } from '../api/query-keys';
import { STATUS_LABELS } from '../accounts/account-status';
import { StatusBadge } from '../accounts/StatusBadge';
import { ApiErrorNotice } from '../components/ApiErrorNotice';
import { Empty, Loading } from '../components/QueryState';
import { formatDate } from '../components/format';
import { EmployeePicker } from '../people/EmployeePicker';
import { downloadCsv, toCsv } from './csv';
import { useUrlFilters } from '../components/use-url-filters';

const PAGE = 200;

export function AccessList() {
  const id = useId();
  const { params, setFilters: setFilter } = useUrlFilters();
  const providerId = params.get('providerId') ?? '';
  const employeeId = params.get('employeeId') ?? '';
  const employeeName = params.get('employeeName') ?? '';
  const status = (params.get('status') ?? '') as AccessQuery['status'];
  const providers = useQuery({ queryKey: queryKeys.providers, queryFn: ({ signal }) => listProviders(signal) });
  const providerNames = useMemo(() => new Map((providers.data?.items ?? []).map((p) => [p.id, p.name])), [providers.data]);

  const access = useInfiniteQuery({
    queryKey: [...queryKeys.access, 'list', { providerId, employeeId, status }],
    queryFn: ({ pageParam, signal }) => listAccess({ providerId, employeeId, status, limit: PAGE, cursor: pageParam }, signal),
    initialPageParam: null as string | null,
    getNextPageParam: (last) => last.nextCursor,
  });
  const rows = useMemo(() => access.data?.pages.flatMap((p) => p.items) ?? [], [access.data]);


  const providerOf = (r: AccessRow) => r.provider?.name ?? providerNames.get(r.providerId ?? '') ?? r.providerId ?? '';
  const exportCsv = () => {
    const csv = toCsv(
      ['Employee', 'Email', 'Employee ID', 'Provider', 'Status', 'Requested', 'Due', 'Updated'],
      rows.map((r) => [
        r.employee?.name ?? '',
        r.employee?.email ?? '',
        r.employee?.id ?? r.employeeId ?? '',
        providerOf(r),
        STATUS_LABELS[r.status],
        r.requestedAt ?? '',
        r.dueAt ?? '',
        r.updatedAt ?? '',
      ]),
    );
    downloadCsv(`provisio-access-${new Date().toISOString().slice(0, 10)}.csv`, csv);
  };

  return (
    <section aria-label="All access">
      <div className="filters" role="search">
        <div className="field field--inline">
          <label htmlFor={`${id}-provider`}>Provider</label>
          <select id={`${id}-provider`} value={providerId} onChange={(e) => setFilter({ providerId: e.target.value })}>
            <option value="">All providers</option>
            {(providers.data?.items ?? []).map((p) => (
              <option key={p.id} value={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--inline">
          <label htmlFor={`${id}-status`}>Status</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setFilter({ status: e.target.value })}>
            <option value="">Any access</option>
            {ACCOUNT_STATUSES.filter((s) => s !== 'no_account').map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <EmployeePicker
          label="Person"
          value={employeeId ? { id: employeeId, name: employeeName || employeeId } : null}
          onChange={(e) => setFilter({ employeeId: e?.id ?? '', employeeName: e?.name ?? '' })}
        />
        <button type="button" className="button filters__end" onClick={exportCsv} disabled={rows.length === 0}>
          Export CSV ({rows.length} rows)
        </button>
      </div>
      {access.isPending ? (
        <Loading label="Loading access…" />
      ) : access.isError ? (
        <ApiErrorNotice error={access.error} onRetry={() => void access.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>No accounts match.</Empty>
      ) : (
        <>
          <div className="table-wrap">
            <table className="table">
              <caption className="visually-hidden">Accounts across the company</caption>
              <thead>
                <tr>
                  <th scope="col">Person</th>
                  <th scope="col">Provider</th>
                  <th scope="col">Status</th>
                  <th scope="col" className="hide-narrow">Due</th>
                  <th scope="col" className="hide-narrow">Updated</th>
                </tr>
              </thead>
              <tbody>
                {rows.map((r, i) => {
                  const eid = r.employee?.id ?? r.employeeId ?? '';
                  return (
                    <tr key={`${eid}:${r.provider?.id ?? r.providerId}:${i}`}>
                      <td>
                        <Link to={`/people/${encodeURIComponent(eid)}`}>{r.employee?.name ?? eid}</Link>
                      </td>
                      <td>{providerOf(r)}</td>
                      <td>
                        <StatusBadge status={r.status} />
                      </td>
                      <td className="hide-narrow">{formatDate(r.dueAt)}</td>
                      <td className="hide-narrow">{formatDate(r.updatedAt)}</td>
                    </tr>
                  );
                })}
              </tbody>
            </table>
          </div>
          {access.hasNextPage && (
            <button type="button" className="button" disabled={access.isFetchingNextPage} onClick={() => void access.fetchNextPage()}>
              {access.isFetchingNextPage ? 'Loading…' : 'Load more'}
            </button>
          )}
        </>
      )}
    </section>
  );
}
