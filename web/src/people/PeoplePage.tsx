import { useId } from 'react';
import { Link } from 'react-router';
import { keepPreviousData, useQuery } from '@tanstack/react-query';
import { listEmployees } from '../api/employees';
import type { EmployeeStatus } from '../api/employees';
import { queryKeys } from '../api/query-keys';
import { useSession } from '../auth/session';
import { ApiErrorNotice } from '../components/ApiErrorNotice';
import { Empty, Loading } from '../components/QueryState';
import { Pager } from '../components/Pager';
import { formatDate } from '../components/format';
import { useCursorStack } from '../components/use-cursor-stack';
import { PageHeader } from '../layout/PageHeader';
import { SearchField } from '../components/SearchField';
import { useUrlFilters, useUrlSearch } from '../components/use-url-filters';

/** The directory (admins: everyone; managers: their reports, "My team"). */
export default function PeoplePage() {
  const id = useId();
  const { claims } = useSession();
  const { params, setFilters } = useUrlFilters();
  const search = useUrlSearch();
  const status = (params.get('status') ?? '') as EmployeeStatus | '';
  const debouncedQ = search.query;
  const pages = useCursorStack(`${debouncedQ}|${status}`);
  const people = useQuery({
    queryKey: [...queryKeys.employees, 'directory', { q: debouncedQ, status, cursor: pages.cursor }],
    queryFn: ({ signal }) => listEmployees({ q: debouncedQ, status, limit: 50, cursor: pages.cursor }, signal),
    placeholderData: keepPreviousData,
  });
  const setParam = (key: string, value: string) => setFilters({ [key]: value });
  const isManager = claims.role === 'manager';

  return (
    <>
      <PageHeader title={isManager ? 'My team' : 'People'} lead={isManager ? 'The people who report to you.' : undefined} />
      <div className="filters" role="search">
        <SearchField
          id={`${id}-q`}
          value={search.value}
          onChange={search.onChange}
        />
        <div className="field field--inline">
          <label htmlFor={`${id}-status`}>Employment</label>
          <select id={`${id}-status`} value={status} onChange={(e) => setParam('status', e.target.value)}>
            <option value="">Everyone</option>
            <option value="active">Active</option>
            <option value="terminated">Terminated</option>
          </select>
        </div>
      </div>
      {people.isPending ? (
        <Loading label="Loading people…" />
      ) : people.isError ? (
        <ApiErrorNotice error={people.error} onRetry={() => void people.refetch()} />
      ) : people.data.items.length === 0 ? (
        <Empty>{debouncedQ || status ? 'No one matches.' : isManager ? 'No one reports to you yet.' : 'No people yet.'}</Empty>
      ) : (
        <div className="table-wrap" aria-busy={people.isFetching}>
          <table className="table">
            <caption className="visually-hidden">People</caption>
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col" className="hide-narrow">Department</th>
                <th scope="col" className="hide-narrow">Job title</th>
                <th scope="col" className="hide-narrow">Location</th>
                <th scope="col">Status</th>
              </tr>
            </thead>
            <tbody>
              {people.data.items.map((e) => (
                <tr key={e.id}>
                  <td>
                    <Link to={`/people/${encodeURIComponent(e.id)}`}>{e.name}</Link>
                    <div className="muted small">{e.email}</div>
                  </td>
                  <td className="hide-narrow">{e.department ?? '—'}</td>
                  <td className="hide-narrow">{e.jobTitle ?? '—'}</td>
                  <td className="hide-narrow">{e.location ?? '—'}</td>
                  <td>
                    {e.status === 'terminated' ? (
                      <span className="badge badge--terminated">Terminated {formatDate(e.terminationDate)}</span>
                    ) : (
                      <span className="badge badge--neutral">Active</span>
                    )}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      <Pager
        label="People pages"
        pageNumber={pages.pageNumber}
        hasPrevious={pages.hasPrevious}
        nextCursor={people.data?.nextCursor}
        onPrevious={pages.previous}
        onNext={pages.next}
        busy={people.isFetching}
      />
    </>
  );
}
