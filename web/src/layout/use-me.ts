import { useQuery } from '@tanstack/react-query';
import { getEmployee } from '../api/employees';
import { queryKeys } from '../api/query-keys';
import { useSession } from '../auth/session';

/** The signed-in person's display name: from the roster when readable, else the token's name or subject. */
export function useMyName(): string {
  const { claims } = useSession();
  const me = useQuery({
    queryKey: queryKeys.employee(claims.sub),
    queryFn: ({ signal }) => getEmployee(claims.sub, signal),
    staleTime: 5 * 60_000,
    retry: false,
  });
  return me.data?.name ?? claims.name ?? claims.sub;
}
