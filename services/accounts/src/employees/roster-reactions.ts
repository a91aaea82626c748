import type { Transaction } from 'kysely';
import type { RosterChange } from '@provisio/roster';
import type { AccountsDb } from '../tables.js';
import { onAssigneeLeft, type AssigneeLeftDeps } from './assignee-left.js';
import { onRosterChange, type TerminationDeps } from './termination.js';

/**
 * What the accounts service does after each HR event has been applied to its roster, in the same transaction:
 * a person who left has their pending provisioning requests withdrawn, and an assignee who can no longer act
 * has their open requests moved to the providers' assignees.
 */
export function rosterReactions(deps: TerminationDeps & AssigneeLeftDeps) {
  const termination = onRosterChange(deps);
  const assigneeLeft = onAssigneeLeft(deps);
  return async (tx: Transaction<AccountsDb>, change: RosterChange): Promise<void> => {
    await termination(tx, change);
    await assigneeLeft(tx, change);
  };
}
