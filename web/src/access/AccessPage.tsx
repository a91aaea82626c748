import { NavLink, useSearchParams } from 'react-router';
import { PageHeader } from '../layout/PageHeader';
import { AccessList } from './AccessList';
import { RisksList } from './RisksList';

/** Org-wide access, and the risks: people who left and still hold access. */
export default function AccessPage() {
  const [params] = useSearchParams();
  const tab = params.get('tab') === 'risks' ? 'risks' : 'all';
  return (
    <>
      <PageHeader title="Access" lead="Who has an account in which app, across the company." />
      <nav className="tabs" aria-label="Access views">
        <NavLink to="/access" className={() => `tabs__tab${tab === 'all' ? ' tabs__tab--active' : ''}`} aria-current={tab === 'all' ? 'page' : undefined} end>
          All access
        </NavLink>
        <NavLink to="/access?tab=risks" className={() => `tabs__tab${tab === 'risks' ? ' tabs__tab--active' : ''}`} aria-current={tab === 'risks' ? 'page' : undefined}>
          Risks
        </NavLink>
      </nav>
      {tab === 'risks' ? <RisksList /> : <AccessList />}
    </>
  );
}
