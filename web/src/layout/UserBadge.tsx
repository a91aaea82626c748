import { useNavigate } from 'react-router';
import { useSession } from '../auth/session';
import { roleLabel } from '../components/role-label';
import { useMyName } from './use-me';

/** Who is signed in and their role, with sign-out (which clears the token and every cached answer). */
export function UserBadge() {
  const { claims, signOut } = useSession();
  const name = useMyName();
  const navigate = useNavigate();
  // An explicit sign-out starts the next person at the start page; a 401 keeps the address to come back to.
  const onSignOut = () => {
    signOut();
    navigate('/', { replace: true });
  };
  return (
    <div className="user-badge">
      <p className="user-badge__who">
        <span className="visually-hidden">Signed in as </span>
        <span className="user-badge__name">{name}</span>
        <span className="visually-hidden">, </span>
        <span className="user-badge__role">{roleLabel(claims.role)}</span>
      </p>
      <button type="button" className="button button--small" onClick={onSignOut}>
        Sign out
      </button>
    </div>
  );
}
