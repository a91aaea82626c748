import { Link } from 'react-router';
import { PageHeader } from './PageHeader';

export function NotFoundPage() {
  return (
    <>
      <PageHeader title="Page not found" />
      <p>
        There is nothing at this address. <Link to="/">Go to the start page</Link>.
      </p>
    </>
  );
}

export function ForbiddenPage() {
  return (
    <>
      <PageHeader title="Not available" />
      <p>This page is for Full Access Admins. Ask one of them if you need access.</p>
    </>
  );
}
