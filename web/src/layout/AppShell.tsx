import { useEffect, useRef, useState } from 'react';
import type { ReactNode } from 'react';
import { useLocation } from 'react-router';
import { MainNav } from './MainNav';
import { UserBadge } from './UserBadge';
import { NotificationBell } from '../notifications/NotificationBell';
import { useNotificationStream } from '../notifications/use-notification-stream';

export function AppShell({ children }: { children: ReactNode }) {
  const location = useLocation();
  const mainRef = useRef<HTMLElement>(null);
  const first = useRef(true);
  const [navOpen, setNavOpen] = useState(false);
  useNotificationStream();

  // After a navigation, focus the new page's title so keyboard and screen-reader users start there.
  useEffect(() => {
    setNavOpen(false);
    if (first.current) {
      first.current = false;
      return;
    }
    const frame = requestAnimationFrame(() => {
      const title = mainRef.current?.querySelector<HTMLElement>('[data-page-title]');
      (title ?? mainRef.current)?.focus({ preventScroll: false });
    });
    return () => cancelAnimationFrame(frame);
  }, [location.pathname]);

  return (
    <div className="shell">
      <a className="skip-link" href="#main">
        Skip to content
      </a>
      <header className="shell__header">
        <div className="shell__bar">
          <a className="brand" href="/">
            Provisio
          </a>
          <button
            type="button"
            className="button button--icon shell__nav-toggle"
            aria-expanded={navOpen}
            aria-controls="main-nav"
            onClick={() => setNavOpen((o) => !o)}
          >
            <span aria-hidden="true">☰</span>
            <span className="visually-hidden">Menu</span>
          </button>
          <MainNav open={navOpen} />
          <div className="shell__tools">
            <NotificationBell />
            <UserBadge />
          </div>
        </div>
      </header>
      <main id="main" className="shell__main" ref={mainRef} tabIndex={-1}>
        {children}
      </main>
    </div>
  );
}
