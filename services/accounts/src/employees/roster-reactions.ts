import type { Transaction } from 'kysely';
import type { RosterChange } from '@provisio/roster';
import type { AccountRepository } from '../accounts/repository.js';
import type { AccountsDb } from '../tables.js';
import { onAssigneeLeft, type AssigneeLeftDeps } from './assignee-left.js';
import { onRosterChange, type TerminationDeps } from './termination.js';

export interface RosterReactions {
  /** After each HR event, in its transaction. */
  onChange(tx: Transaction<AccountsDb>, change: RosterChange): Promise<void>;
  /** Once a batch of HR events is done, in its transaction: writes the counter changes of its reactions. */
  afterBatch(tx: Transaction<AccountsDb>): Promise<void>;
}

/**
 * What the accounts service does after each HR event has been applied to its roster, in the same transaction:
 * a person who left has their pending provisioning requests withdrawn, and an assignee who can no longer act
 * has their open requests moved to the providers' assignees. The counter changes of a batch's reactions are
 * collected and written once at its end (one sorted round of counter rows, as every other writer does).
 */
export function rosterReactions(
  deps: Omit<TerminationDeps & AssigneeLeftDeps, 'countsFor'> & { accountRepo: Pick<AccountRepository, 'addToCountsOfCompanies'> },
): RosterReactions {
  const pending = new WeakMap<Transaction<AccountsDb>, Map<string, Map<string, number>>>();
  const countsFor = (tx: Transaction<AccountsDb>, companyId: string) => {
    let byCompany = pending.get(tx);
    if (!byCompany) pending.set(tx, (byCompany = new Map()));
    let counts = byCompany.get(companyId);
    if (!counts) byCompany.set(companyId, (counts = new Map()));
    return counts;
  };
  const termination = onRosterChange({ ...deps, countsFor });
  const assigneeLeft = onAssigneeLeft({ ...deps, countsFor });
  return {
    async onChange(tx, change) {
      await termination(tx, change);
      await assigneeLeft(tx, change);
    },
    async afterBatch(tx) {
      const byCompany = pending.get(tx);
      pending.delete(tx);
      if (byCompany) await deps.accountRepo.addToCountsOfCompanies(tx, byCompany);
    },
  };
}
