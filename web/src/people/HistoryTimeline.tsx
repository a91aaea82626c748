import { Link } from 'react-router';
import type { AccountHistoryEntry } from '../api/accounts';
import { STATUS_LABELS } from '../accounts/account-status';
import { Empty } from '../components/QueryState';
import { formatDateTime } from '../components/format';
import { EmployeeName } from './EmployeeName';

/** Every status change of one person's accounts, newest first. */
export function HistoryTimeline({
  entries,
  providerName,
}: {
  entries: AccountHistoryEntry[];
  providerName: (id: string) => string | undefined;
}) {
  if (entries.length === 0) return <Empty>No changes yet.</Empty>;
  const sorted = [...entries].sort((a, b) => b.at.localeCompare(a.at));
  return (
    <ol className="timeline">
      {sorted.map((e, i) => (
        <li key={`${e.at}-${e.providerId}-${i}`} className="timeline__entry">
          <time dateTime={e.at} className="timeline__time">
            {formatDateTime(e.at)}
          </time>
          <div>
            <strong>{providerName(e.providerId) ?? 'A provider'}</strong>:{' '}
            {e.from ? `${STATUS_LABELS[e.from]} → ` : ''}
            {STATUS_LABELS[e.to]}
            {e.actorId && (
              <span className="muted">
                {' '}
                by <EmployeeName id={e.actorId} link={false} fallback="an admin" />
              </span>
            )}
            {e.workflowRunId && (
              <>
                {' '}
                · <Link to={`/workflow-runs/${encodeURIComponent(e.workflowRunId)}`}>workflow run</Link>
              </>
            )}
            {e.note && <p className="timeline__note">{e.note}</p>}
          </div>
        </li>
      ))}
    </ol>
  );
}
