import { NavLink } from 'react-router';
import { useSession } from '../auth/session';
import { roleLabel } from '../components/role-label';
import { useMyName } from './use-me';

interface NavEntry {
  to: string;
  label: string;
}

/** Role-aware: admin-only screens are not offered to managers and employees. */
export function navEntries(role: string, sub: string): NavEntry[] {
  const mine = { to: `/people/${encodeURIComponent(sub)}`, label: 'My accounts' };
  switch (role) {
    case 'admin':
      return [
        { to: '/providers', label: 'Providers' },
        { to: '/people', label: 'People' },
        { to: '/workflows', label: 'Workflows' },
        { to: '/workflow-runs', label: 'Runs' },
        { to: '/access', label: 'Access' },
        mine,
      ];
    case 'manager':
      return [{ to: '/people', label: 'My team' }, mine];
    default:
      return [mine];
  }
}

export function MainNav({ open }: { open: boolean }) {
  const { claims } = useSession();
  const name = useMyName();
  return (
    <nav id="main-nav" aria-label="Main" className={`main-nav${open ? ' main-nav--open' : ''}`}>
      <p className="main-nav__me">
        Signed in as {name} · {roleLabel(claims.role)}
      </p>
      <ul>
        {navEntries(claims.role, claims.sub).map((entry) => (
          <li key={entry.to}>
            <NavLink to={entry.to} end={entry.to.startsWith('/people/')} className="main-nav__link">
              {entry.label}
            </NavLink>
          </li>
        ))}
      </ul>
    </nav>
  );
}
