import { useState } from 'react';
import type { FormEvent } from 'react';
import { useMutation, useQueryClient } from '@tanstack/react-query';
import { reassignRequest } from '../api/accounts';
import { ApiError } from '../api/http';
import { refreshAccountViews } from '../api/query-keys';
import { useAnnouncer } from '../components/announcer';
import { ApiErrorNotice } from '../components/ApiErrorNotice';
import { Dialog } from '../components/Dialog';
import { Field } from '../components/Field';
import { nameOf, useAdmins } from '../people/use-admins';

export interface ReassignTarget {
  providerId: string;
  providerName: string;
  employeeId: string;
  employeeName: string;
  /** Who has the request now. */
  assigneeId: string | null;
  /** The account version the person saw: a request changed meanwhile is not reassigned. */
  version: number;
}

/**
 * Gives an open request another assignee (an active Full Access Admin). The request keeps its status and due
 * date; it moves to the new assignee's notifications.
 */
export function ReassignDialog({ target, onClose }: { target: ReassignTarget; onClose: () => void }) {
  const admins = useAdmins();
  const queryClient = useQueryClient();
  const { announce } = useAnnouncer();
  const [chosen, setChosen] = useState(target.assigneeId ?? '');
  // The current assignee may no longer be an admin (then nobody is chosen yet, not the first in the list).
  const assigneeId = admins.data && !admins.data.some((admin) => admin.id === chosen) ? '' : chosen;
  const [note, setNote] = useState('');
  const reassign = useMutation({
    mutationFn: () => reassignRequest(target.providerId, target.employeeId, { assigneeId, ...(note.trim() ? { note: note.trim() } : {}) }, target.version),
    onSuccess: (account) => {
      announce('success', `${target.employeeName} on ${target.providerName} is now assigned to ${nameOf(admins.data, account.assigneeId)}.`);
      onClose();
    },
    // Refused too: the rows behind the dialog show what is there now.
    onSettled: () => refreshAccountViews(queryClient),
    onError: (error) => {
      // Changed meanwhile: this dialog holds the old version, so it closes and the refreshed row is the one to act on.
      if (error instanceof ApiError && error.status === 409) {
        announce('error', `${target.employeeName} on ${target.providerName} changed meanwhile; the row has been refreshed. Reassign it again if it is still open.`);
        onClose();
      }
    },
  });
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (assigneeId) reassign.mutate();
  };
  return (
    <Dialog title="Reassign request" onClose={onClose}>
      <form onSubmit={submit}>
        <p>
          {target.employeeName} on {target.providerName}, now with {nameOf(admins.data, target.assigneeId)}.
        </p>
        <Field label="Assignee" hint="An active Full Access Admin.">
          <select value={assigneeId} onChange={(e) => setChosen(e.target.value)} disabled={admins.isPending} required>
            {admins.isPending && <option value={assigneeId}>Loading admins…</option>}
            {!admins.isPending && assigneeId === '' && (
              <option value="" disabled>
                Choose an admin
              </option>
            )}
            {admins.data?.map((admin) => (
              <option key={admin.id} value={admin.id}>
                {admin.name}
              </option>
            ))}
          </select>
        </Field>
        <Field label="Note" optional>
          <textarea value={note} onChange={(e) => setNote(e.target.value)} maxLength={2000} rows={2} />
        </Field>
        {admins.isError ? <ApiErrorNotice error={admins.error} onRetry={() => void admins.refetch()} /> : null}
        {reassign.isError ? <ApiErrorNotice error={reassign.error} /> : null}
        <div className="form__actions">
          <button type="button" className="button" onClick={onClose}>
            Cancel
          </button>
          <button type="submit" className="button button--primary" disabled={reassign.isPending || !assigneeId || assigneeId === target.assigneeId}>
            {reassign.isPending ? 'Working…' : 'Reassign'}
          </button>
        </div>
      </form>
    </Dialog>
  );
}
