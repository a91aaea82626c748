import { useEffect, useRef, useState } from 'react';
import { useQuery } from '@tanstack/react-query';
import { unreadCount } from '../api/notifications';
import { queryKeys } from '../api/query-keys';
import { NotificationPanel } from './NotificationPanel';

export function bellLabel(count: number | undefined): string {
  if (count === undefined) return 'Notifications';
  return count === 0 ? 'Notifications, none unread' : `Notifications, ${count} unread`;
}

export function NotificationBell() {
  const [open, setOpen] = useState(false);
  const buttonRef = useRef<HTMLButtonElement>(null);
  const wrapperRef = useRef<HTMLDivElement>(null);
  const count = useQuery({
    queryKey: [...queryKeys.notifications, 'unread-count'],
    queryFn: ({ signal }) => unreadCount(signal),
    // The stream keeps it live; the interval only covers a stream that cannot connect.
    refetchInterval: 120_000,
  });
  const n = count.data?.count;

  useEffect(() => {
    if (!open) return;
    const onDown = (e: MouseEvent) => {
      if (!wrapperRef.current?.contains(e.target as Node)) setOpen(false);
    };
    document.addEventListener('mousedown', onDown);
    return () => document.removeEventListener('mousedown', onDown);
  }, [open]);

  const close = () => {
    setOpen(false);
    buttonRef.current?.focus();
  };

  return (
    <div className="bell" ref={wrapperRef}>
      <button
        ref={buttonRef}
        type="button"
        className="button button--icon bell__button"
        aria-label={bellLabel(n)}
        aria-expanded={open}
        aria-haspopup="dialog"
        onClick={() => setOpen((o) => !o)}
      >
        <svg aria-hidden="true" width="20" height="20" viewBox="0 0 24 24" fill="none" stroke="currentColor" strokeWidth="2">
          <path d="M18 8a6 6 0 1 0-12 0c0 7-3 9-3 9h18s-3-2-3-9" />
          <path d="M13.73 21a2 2 0 0 1-3.46 0" />
        </svg>
        {n !== undefined && n > 0 && (
          <span className="bell__count" aria-hidden="true">
            {n > 99 ? '99+' : n}
          </span>
        )}
      </button>
      {open && <NotificationPanel onClose={close} />}
    </div>
  );
}
