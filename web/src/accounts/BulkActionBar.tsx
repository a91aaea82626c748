import { useId, useState } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { ACCOUNT_ACTIONS, runBatch } from '../api/accounts';
import type { AccountAction, BatchAction } from '../api/accounts';
import { refreshAccountViews } from '../api/query-keys';
import { ApiErrorNotice } from '../components/ApiErrorNotice';
import { ACTION_LABELS, STATUS_LABELS } from './account-status';
import { chunk, failuresOf, planBulk } from './bulk-plan';
import type { BulkFailure, SelectedAccount } from './bulk-plan';

interface BulkOutcome {
  action: AccountAction;
  succeeded: number;
  failures: BulkFailure[];
}

/** One action for several selected people of one provider (`POST /v1/accounts/batch`), with per-item failures. */
export function BulkActionBar({
  providerId,
  selected,
  onClear,
}: {
  providerId: string;
  selected: SelectedAccount[];
  onClear: () => void;
}) {
  const id = useId();
  const queryClient = useQueryClient();
  const [action, setAction] = useState<AccountAction | ''>('');
  const [outcome, setOutcome] = useState<BulkOutcome | null>(null);

  const run = useMutation({
    mutationFn: async (chosen: AccountAction) => {
      const { eligible, skipped } = planBulk(selected, chosen);
      const actions: BatchAction[] = eligible.map((s) => ({ providerId, employeeId: s.employeeId, action: chosen }));
      const names = new Map(selected.map((s) => [s.employeeId, s.name]));
      let succeeded = 0;
      const failures: BulkFailure[] = skipped.map((s) => ({
        name: s.name,
        message: `Not sent: ${ACTION_LABELS[chosen]} is not possible from ${STATUS_LABELS[s.status]}.`,
      }));
      for (const part of chunk(actions)) {
        const { results } = await runBatch(part);
        succeeded += results.filter((r) => r.ok).length;
        failures.push(...failuresOf(part, results, (employeeId) => names.get(employeeId) ?? employeeId));
      }
      return { action: chosen, succeeded, failures };
    },
    onSuccess: (result) => {
      setOutcome(result);
      if (result.failures.length === 0) onClear();
    },
    onSettled: () => refreshAccountViews(queryClient),
  });

  if (selected.length === 0 && !outcome) return null;
  const plan = action ? planBulk(selected, action) : null;

  return (
    <section className="bulk-bar" aria-label="Bulk actions">
      {selected.length > 0 && (
        <form
          className="bulk-bar__form"
          onSubmit={(e) => {
            e.preventDefault();
            if (action) {
              setOutcome(null);
              run.mutate(action);
            }
          }}
        >
          <span className="bulk-bar__count">{selected.length} selected</span>
          <label htmlFor={`${id}-action`} className="visually-hidden">
            Action for the selected people
          </label>
          <select id={`${id}-action`} value={action} onChange={(e) => setAction(e.target.value as AccountAction | '')}>
            <option value="">Choose an action…</option>
            {ACCOUNT_ACTIONS.map((a) => (
              <option key={a} value={a}>
                {ACTION_LABELS[a]} ({planBulk(selected, a).eligible.length} of {selected.length})
              </option>
            ))}
          </select>
          <button type="submit" className="button button--primary" disabled={!plan || plan.eligible.length === 0 || run.isPending}>
            {run.isPending ? 'Applying…' : plan ? `Apply to ${plan.eligible.length}` : 'Apply'}
          </button>
          <button type="button" className="button" onClick={onClear}>
            Clear selection
          </button>
        </form>
      )}
      {run.error && <ApiErrorNotice error={run.error} />}
      {outcome && (
        <div className={`notice ${outcome.failures.length ? 'notice--error' : 'notice--success'}`} role="status">
          <p>
            {ACTION_LABELS[outcome.action]}: {outcome.succeeded} done
            {outcome.failures.length > 0 ? `, ${outcome.failures.length} not done.` : '.'}
          </p>
          {outcome.failures.length > 0 && (
            <ul className="bulk-bar__failures" aria-label="Items that failed">
              {outcome.failures.map((f, i) => (
                <li key={`${f.name}-${i}`}>
                  <strong>{f.name}</strong>: {f.message}
                  {f.requestId && <span className="notice__meta"> (Request ID: {f.requestId})</span>}
                </li>
              ))}
            </ul>
          )}
          <button type="button" className="button button--small" onClick={() => setOutcome(null)}>
            Dismiss
          </button>
        </div>
      )}
    </section>
  );
}
