import { useId, useMemo, useState } from 'react';
import { Link } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { ACCOUNT_STATUSES } from '../api/accounts';
import type { AccountStatus, ProviderAccountRow } from '../api/accounts';
import type { Provider } from '../api/providers';
import { ApiErrorNotice } from '../components/ApiErrorNotice';
import { Empty, Loading } from '../components/QueryState';
import { Pager } from '../components/Pager';
import { SearchField } from '../components/SearchField';
import { formatDate, isPast } from '../components/format';
import { useCursorStack } from '../components/use-cursor-stack';
import { useDebouncedValue } from '../components/use-debounced-value';
import { AccountActionMenu } from './AccountActionMenu';
import { STATUS_LABELS, isOpenRequest } from './account-status';
import { BulkActionBar } from './BulkActionBar';
import { ReassignDialog, type ReassignTarget } from './ReassignDialog';
import { nameOf, useAdmins } from '../people/use-admins';
import type { SelectedAccount } from './bulk-plan';
import { StatusBadge } from './StatusBadge';
import { useAccountAction } from './use-account-action';
import { useUrlFilters, useUrlSearch } from '../components/use-url-filters';
import { CHECKLIST_PAGE_SIZES, DEFAULT_CHECKLIST_PAGE_SIZE, checklistQuery } from './checklist-query';

/**
 * A provider's checklist: every team member with their account status. Filters live in the URL;
 * pages are fetched by cursor, one page at a time, so 10,000 people cost one page of rows.
 */
export function AccountsChecklist({ provider }: { provider: Pick<Provider, 'id' | 'name'> }) {
  const id = useId();
  const { params, setFilters } = useUrlFilters();
  const status = (params.get('status') ?? '') as AccountStatus | '';
  const department = params.get('department') ?? '';
  const search = useUrlSearch();
  const debouncedQ = search.query;
  const debouncedDepartment = useDebouncedValue(department.trim(), 300);
  const [limit, setLimit] = useState(DEFAULT_CHECKLIST_PAGE_SIZE);
  const filterKey = JSON.stringify([debouncedQ, status, debouncedDepartment, limit]);
  const pages = useCursorStack(filterKey);
  const [selected, setSelected] = useState<Map<string, SelectedAccount>>(new Map());
  const action = useAccountAction();
  const [reassigning, setReassigning] = useState<ReassignTarget | null>(null);

  const setParam = (key: string, value: string) => setFilters({ [key]: value });

  const accounts = useQuery({
    ...checklistQuery(provider.id, { q: debouncedQ, status, department: debouncedDepartment, limit, cursor: pages.cursor }),
    placeholderData: keepPreviousData,
  });

  const rows = accounts.data?.items ?? [];
  // Names of the assignees of open requests (admins), fetched only when the page shows one.
  const admins = useAdmins(rows.some((row) => isOpenRequest(row.status)));
  const departments = useMemo(
    () => [...new Set(rows.map((r) => r.employee.department).filter((d): d is string => !!d))].sort(),
    [rows],
  );

  const toggle = (row: ProviderAccountRow, on: boolean) =>
    setSelected((prev) => {
      const next = new Map(prev);
      if (on) next.set(row.employee.id, { employeeId: row.employee.id, name: row.employee.name, status: row.status });
      else next.delete(row.employee.id);
      return next;
    });
  const allOnPage = rows.length > 0 && rows.every((r) => selected.has(r.employee.id));
  const toggleAll = (on: boolean) => {
    for (const r of rows) toggle(r, on);
  };
  // Keep the selection's statuses in step with what the server last said about the visible rows.
  const selection = [...selected.values()].map((s) => {
    const row = rows.find((r) => r.employee.id === s.employeeId);
    return row ? { ...s, status: row.status } : s;
  });

  return (
    <section aria-labelledby={`${id}-title`} className="checklist">
      <h2 id={`${id}-title`}>Team members</h2>
      <div className="filters" role="search">
        <SearchField
          id={`${id}-q`}
          value={search.value}
          onChange={search.onChange}
        />
        <div className="field field--inline">
          <label htmlFor={`${id}-status`}>Status</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setParam('status', e.target.value)}>
            <option value="">All statuses</option>
            {ACCOUNT_STATUSES.map((s) => (
              <option key={s} value={s}>
                {STATUS_LABELS[s]}
              </option>
            ))}
          </select>
        </div>
        <div className="field field--inline">
          <label htmlFor={`${id}-department`}>Department</label>
          <input
            id={`${id}-department`}
            type="text"
            list={`${id}-departments`}
            value={department}
            placeholder="Any department"
            onChange={(e) => setParam('department', e.target.value)}
          />
          <datalist id={`${id}-departments`}>
            {departments.map((d) => (
              <option key={d} value={d} />
            ))}
          </datalist>
        </div>
        <div className="field field--inline">
          <label htmlFor={`${id}-limit`}>Per page</label>
          <select id={`${id}-limit`} value={limit} onChange={(e) => setLimit(Number(e.target.value))}>
            {CHECKLIST_PAGE_SIZES.map((n) => (
              <option key={n} value={n}>
                {n}
              </option>
            ))}
          </select>
        </div>
      </div>

      <BulkActionBar providerId={provider.id} selected={selection} onClear={() => setSelected(new Map())} />

      {accounts.isPending ? (
        <Loading label="Loading team members…" />
      ) : accounts.isError ? (
        <ApiErrorNotice error={accounts.error} onRetry={() => void accounts.refetch()} />
      ) : rows.length === 0 ? (
        <Empty>{debouncedQ || status || debouncedDepartment ? 'No one matches these filters.' : 'No team members yet.'}</Empty>
      ) : (
        <div className="table-wrap" aria-busy={accounts.isFetching}>
          <table className="table">
            <caption className="visually-hidden">Accounts on {provider.name}</caption>
            <thead>
              <tr>
                <th scope="col" className="table__check">
                  <input
                    type="checkbox"
                    aria-label="Select everyone on this page"
                    checked={allOnPage}
                    onChange={(e) => toggleAll(e.target.checked)}
                  />
                </th>
                <th scope="col">Name</th>
                <th scope="col" className="hide-narrow">Department</th>
                <th scope="col" className="hide-narrow">Job title</th>
                <th scope="col">Status</th>
                <th scope="col" className="hide-narrow">Due</th>
                <th scope="col">
                  <span className="visually-hidden">Actions</span>
                </th>
              </tr>
            </thead>
            <tbody>
              {rows.map((row) => (
                <tr key={row.employee.id}>
                  <td className="table__check">
                    <input
                      type="checkbox"
                      aria-label={`Select ${row.employee.name}`}
                      checked={selected.has(row.employee.id)}
                      onChange={(e) => toggle(row, e.target.checked)}
                    />
                  </td>
                  <td>
                    <Link to={`/people/${encodeURIComponent(row.employee.id)}`}>{row.employee.name}</Link>
                    <div className="muted small">{row.employee.email}</div>
                    {row.employee.status === 'terminated' && <span className="badge badge--terminated">Terminated</span>}
                  </td>
                  <td className="hide-narrow">{row.employee.department ?? '—'}</td>
                  <td className="hide-narrow">{row.employee.jobTitle ?? '—'}</td>
                  <td>
                    <StatusBadge status={row.status} />
                    {isOpenRequest(row.status) && row.assigneeId && (
                      <div className="muted small">Assigned to {nameOf(admins.data, row.assigneeId)}</div>
                    )}
                  </td>
                  <td className="hide-narrow">
                    {row.dueAt ? (
                      <span className={isPast(row.dueAt) && row.status.endsWith('_requested') ? 'text-overdue' : undefined}>
                        {formatDate(row.dueAt)}
                      </span>
                    ) : (
                      '—'
                    )}
                  </td>
                  <td className="table__actions">
                    <AccountActionMenu
                      employeeName={row.employee.name}
                      status={row.status}
                      disabled={action.isPending && action.variables?.employeeId === row.employee.id}
                      onAction={(a) =>
                        action.mutate({
                          providerId: provider.id,
                          providerName: provider.name,
                          employeeId: row.employee.id,
                          employeeName: row.employee.name,
                          action: a,
                        })
                      }
                      onReassign={() =>
                        setReassigning({
                          providerId: provider.id,
                          providerName: provider.name,
                          employeeId: row.employee.id,
                          employeeName: row.employee.name,
                          assigneeId: row.assigneeId,
                          version: row.version,
                        })
                      }
                    />
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {reassigning && <ReassignDialog target={reassigning} onClose={() => setReassigning(null)} />}
      <Pager
        label="Team member pages"
        pageNumber={pages.pageNumber}
        hasPrevious={pages.hasPrevious}
        nextCursor={accounts.data?.nextCursor}
        onPrevious={pages.previous}
        onNext={pages.next}
        busy={accounts.isFetching}
      />
    </section>
  );
}
