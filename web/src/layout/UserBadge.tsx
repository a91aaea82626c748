import { useQuery } from '@tanstack/react-query';
import { getEmployee } from '../api/employees';
import { queryKeys } from '../api/query-keys';
import { useSession } from '../auth/session';
import { roleLabel } from '../components/role-label';

/** Who is signed in (name from the roster when readable, else the token's subject) and sign-out. */
export function UserBadge() {
  const { claims, signOut } = useSession();
  const me = useQuery({
    queryKey: queryKeys.employee(claims.sub),
    queryFn: ({ signal }) => getEmployee(claims.sub, signal),
    staleTime: 5 * 60_000,
    retry: false,
  });
  const name = me.data?.name ?? claims.name ?? claims.sub;
  return (
    <div className="user-badge">
      <p className="user-badge__who">
        <span className="visually-hidden">Signed in as </span>
        <span className="user-badge__name">{name}</span>
        <span className="visually-hidden">, </span>
        <span className="user-badge__role">{roleLabel(claims.role)}</span>
      </p>
      <button type="button" className="button button--small" onClick={() => signOut()}>
        Sign out
      </button>
    </div>
  );
}
