import { useEffect, useId, useRef, useState } from 'react';
import type { KeyboardEvent } from 'react';
import { Link } from 'react-router';
import { useMutation, useQuery, useQueryClient } from '@tanstack/react-query';
import { completeNotification, listNotifications, markNotificationRead } from '../api/notifications';
import type { Notification, NotificationItem, NotificationState } from '../api/notifications';
import { queryKeys, refreshAccountViews } from '../api/query-keys';
import { useAnnouncer } from '../components/announcer';
import { ApiErrorNotice } from '../components/ApiErrorNotice';
import { Empty, Loading } from '../components/QueryState';
import { formatDate } from '../components/format';

const STATES: { value: NotificationState; label: string }[] = [
  { value: 'open', label: 'Open' },
  { value: 'done', label: 'Done' },
  { value: 'all', label: 'All' },
];

/** One "Provision Requested" notification per employee, with its stacked provider items. */
export function NotificationPanel({ onClose }: { onClose: () => void }) {
  const [state, setState] = useState<NotificationState>('open');
  const headingId = useId();
  const headingRef = useRef<HTMLHeadingElement>(null);
  const list = useQuery({
    queryKey: [...queryKeys.notifications, 'list', state],
    queryFn: ({ signal }) => listNotifications(state, signal),
  });

  useEffect(() => headingRef.current?.focus(), []);

  const onKeyDown = (e: KeyboardEvent) => {
    if (e.key === 'Escape') {
      e.stopPropagation();
      onClose();
    }
  };

  return (
    <div className="panel" role="dialog" aria-labelledby={headingId} onKeyDown={onKeyDown}>
      <div className="panel__header">
        <h2 id={headingId} ref={headingRef} tabIndex={-1}>
          Notifications
        </h2>
        <button type="button" className="button button--icon" aria-label="Close notifications" onClick={onClose}>
          <span aria-hidden="true">×</span>
        </button>
      </div>
      <div className="segmented" role="group" aria-label="Show notifications">
        {STATES.map((s) => (
          <button
            key={s.value}
            type="button"
            className="segmented__button"
            aria-pressed={state === s.value}
            onClick={() => setState(s.value)}
          >
            {s.label}
          </button>
        ))}
      </div>
      <div className="panel__body">
        {list.isPending ? (
          <Loading label="Loading notifications…" />
        ) : list.isError ? (
          <ApiErrorNotice error={list.error} onRetry={() => void list.refetch()} />
        ) : list.data.items.length === 0 ? (
          <Empty>{state === 'open' ? 'Nothing to do. You are all caught up.' : 'No notifications.'}</Empty>
        ) : (
          <ul className="notification-list">
            {list.data.items.map((n) => (
              <li key={n.id}>
                <NotificationCard notification={n} onNavigate={onClose} />
              </li>
            ))}
          </ul>
        )}
      </div>
    </div>
  );
}

function NotificationCard({ notification: n, onNavigate }: { notification: Notification; onNavigate: () => void }) {
  const queryClient = useQueryClient();
  const { announce } = useAnnouncer();
  const refresh = () => refreshAccountViews(queryClient);

  const read = useMutation({
    mutationFn: () => markNotificationRead(n.id),
    onSettled: () => queryClient.invalidateQueries({ queryKey: queryKeys.notifications }),
  });
  const complete = useMutation({
    mutationFn: (itemIds?: string[]) => completeNotification(n.id, itemIds),
    onSuccess: ({ results }) => {
      const failed = results.filter((r) => !r.ok);
      if (failed.length === 0) announce('success', `Done for ${n.employee.name}.`);
      else
        announce(
          'error',
          `${failed.length} of ${results.length} could not be completed for ${n.employee.name}: ${failed
            .map((f) => f.error?.message ?? 'failed')
            .join('; ')}`,
        );
    },
    onSettled: () => void refresh(),
  });

  const pending = n.items.filter((i) => i.state === 'pending');
  const titleId = useId();
  return (
    <article className={`notification${n.read ? '' : ' notification--unread'}`} aria-labelledby={titleId}>
      <header className="notification__header">
        <h3 id={titleId}>
          {!n.read && <span className="visually-hidden">Unread: </span>}
          {n.title || 'Provision Requested'}
          <span className="notification__who">
            {' '}
            for{' '}
            <Link to={`/people/${encodeURIComponent(n.employee.id)}`} onClick={onNavigate}>
              {n.employee.name}
            </Link>
          </span>
        </h3>
        <p className="muted notification__time">{formatDate(n.updatedAt || n.createdAt)}</p>
      </header>
      {complete.error && <ApiErrorNotice error={complete.error} />}
      <ul className="notification__items">
        {n.items.map((item) => (
          <NotificationItemRow
            key={item.id}
            item={item}
            employeeName={n.employee.name}
            busy={complete.isPending}
            onDone={() => complete.mutate([item.id])}
          />
        ))}
      </ul>
      <div className="notification__actions">
        {pending.length > 1 && (
          <button
            type="button"
            className="button button--small button--primary"
            disabled={complete.isPending}
            onClick={() => complete.mutate(undefined)}
            aria-label={`Complete all for ${n.employee.name}`}
          >
            Complete all
          </button>
        )}
        {!n.read && (
          <button
            type="button"
            className="button button--small"
            disabled={read.isPending}
            onClick={() => read.mutate()}
            aria-label={`Mark read for ${n.employee.name}`}
          >
            Mark read
          </button>
        )}
      </div>
    </article>
  );
}

function NotificationItemRow({
  item,
  employeeName,
  busy,
  onDone,
}: {
  item: NotificationItem;
  employeeName: string;
  busy: boolean;
  onDone: () => void;
}) {
  const action = item.action === 'provision' ? 'Provision' : 'Deprovision';
  return (
    <li className="notification__item">
      <div>
        <span className="notification__provider">{item.providerName}</span>{' '}
        <span className="badge badge--neutral">{action}</span>
        {item.overdue && item.state === 'pending' && <span className="badge badge--overdue">Overdue</span>}
        {item.state !== 'pending' && (
          <span className="badge badge--neutral">{item.state === 'done' ? 'Done' : 'Cancelled'}</span>
        )}
        {item.dueAt && <span className="muted"> · due {formatDate(item.dueAt)}</span>}
      </div>
      {item.state === 'pending' && (
        <button
          type="button"
          className="button button--small"
          disabled={busy}
          onClick={onDone}
          aria-label={`Mark done: ${action} ${item.providerName} for ${employeeName}`}
        >
          Mark done
        </button>
      )}
    </li>
  );
}
