import type { Transaction } from 'kysely';
import type { RosterChange } from '@provisio/roster';
import { ConflictError } from '@provisio/service-kit';
import type { AccountService } from '../accounts/account-service.js';
import type { AccountRepository } from '../accounts/repository.js';
import type { AccountsDb } from '../tables.js';

/** The actor recorded on changes the service makes by itself. */
export const SYSTEM_ACTOR = 'system';

export interface TerminationDeps {
  accounts: Pick<AccountService, 'apply'>;
  accountRepo: Pick<AccountRepository, 'findByEmployee'>;
  /** Where the counter changes go when the caller writes them once for a whole batch; written at once without. */
  countsFor?: (tx: Transaction<AccountsDb>, companyId: string) => Map<string, number>;
}

/**
 * Runs in the roster consumer's transaction for every HR event. When a person becomes terminated, their
 * pending provisioning requests are withdrawn (reason `terminated`): they left. Accounts that exist stay
 * as they are, and show as risks until someone deprovisions them.
 */
export function onRosterChange({ accounts, accountRepo, countsFor }: TerminationDeps) {
  return async (tx: Transaction<AccountsDb>, change: RosterChange): Promise<void> => {
    if (change.after?.status !== 'terminated' || change.before?.status === 'terminated') return;
    const pending = await accountRepo.findByEmployee(tx, change.companyId, change.employeeId, ['provisioning_requested']);
    if (pending.length === 0) return;
    const outcomes = await accounts.apply(
      tx,
      change.companyId,
      SYSTEM_ACTOR,
      pending.map((row) => ({ providerId: row.provider_id, employeeId: row.employee_id, action: 'cancel-request' as const, reason: 'terminated' })),
      { includeArchivedProviders: true, ...(countsFor ? { counts: countsFor(tx, change.companyId) } : {}) },
    );
    const lost = outcomes.find((outcome) => !outcome.ok && outcome.error.code === 'CONFLICT');
    // A person acted on one of these accounts at the same moment: the event is applied again from the start.
    if (lost && !lost.ok) throw new ConflictError(`a pending request of ${change.employeeId} changed meanwhile: ${lost.error.message}`);
  };
}
