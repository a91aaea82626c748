import { useQuery } from '@tanstack/react-query';
import { listActiveAdmins } from '../api/employees';
import type { Employee } from '../api/employees';
import { queryKeys } from '../api/query-keys';

/** Active Full Access Admins (the people who may be assignees), cached for the session. */
export function useAdmins(enabled = true) {
  return useQuery({
    enabled,
    queryKey: queryKeys.admins,
    queryFn: ({ signal }) => listActiveAdmins(signal),
    staleTime: 5 * 60_000,
  });
}

export function nameOf(people: Employee[] | undefined, id: string | null | undefined): string {
  if (!id) return '—';
  return people?.find((p) => p.id === id)?.name ?? id;
}
