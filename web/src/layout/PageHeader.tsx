import type { ReactNode } from 'react';

/** The page's h1; the shell moves focus to it after each navigation. */
export function PageHeader({ title, children, lead }: { title: ReactNode; children?: ReactNode; lead?: ReactNode }) {
  return (
    <div className="page-header">
      <div className="page-header__text">
        <h1 tabIndex={-1} data-page-title>
          {title}
        </h1>
        {lead && <div className="page-header__lead">{lead}</div>}
      </div>
      {children && <div className="page-header__actions">{children}</div>}
    </div>
  );
}
