import { Link } from 'react-router';
import { useQuery } from '@tanstack/react-query';
import { getEmployee } from '../api/employees';
import { queryKeys } from '../api/query-keys';

/** A person's name by id (one cached request per person), linked to their profile. */
export function EmployeeName({
  id,
  name,
  link = true,
  fallback,
}: {
  id: string;
  name?: string | undefined;
  link?: boolean;
  /** Shown when the person cannot be read (e.g. an employee looking at an admin). */
  fallback?: string;
}) {
  const employee = useQuery({
    queryKey: queryKeys.employee(id),
    queryFn: ({ signal }) => getEmployee(id, signal),
    enabled: !name,
    staleTime: 5 * 60_000,
    retry: false,
  });
  const text = name ?? employee.data?.name ?? (employee.isPending ? '…' : (fallback ?? id));
  return link ? <Link to={`/people/${encodeURIComponent(id)}`}>{text}</Link> : <>{text}</>;
}
