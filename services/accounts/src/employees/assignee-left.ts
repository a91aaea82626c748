import type { Transaction } from 'kysely';
import type { RosterChange, RosterEmployee } from '@provisio/roster';
import { ConflictError } from '@provisio/service-kit';
import { REASSIGN, type AccountService } from '../accounts/account-service.js';
import type { AccountRepository } from '../accounts/repository.js';
import type { AccountsDb } from '../tables.js';
import { SYSTEM_ACTOR } from './termination.js';

export interface AssigneeLeftDeps {
  accounts: Pick<AccountService, 'apply'>;
  accountRepo: Pick<AccountRepository, 'findOpenRequestsAssignedTo'>;
  logger: { warn(obj: object, msg: string): void };
  /** Where the counter changes go when the caller writes them once for a whole batch; written at once without. */
  countsFor?: (tx: Transaction<AccountsDb>, companyId: string) => Map<string, number>;
}

const isFullAccessAdmin = (employee: RosterEmployee | undefined) => employee?.status === 'active' && employee.accessLevel === 'admin';

/**
 * Runs in the roster consumer's transaction for every HR event. When an assignee stops being an active Full
 * Access Admin (they left, or their access level changed), they can no longer complete their open requests:
 * each moves to the provider's assignee for its direction (reason `assignee_unavailable`), and with it the
 * item in the assignees' notifications. A request whose provider's assignee is that same person, or is no
 * active admin either, stays where it is and is logged: an admin must name another assignee.
 */
export function onAssigneeLeft({ accounts, accountRepo, logger, countsFor }: AssigneeLeftDeps) {
  return async (tx: Transaction<AccountsDb>, change: RosterChange): Promise<void> => {
    if (!isFullAccessAdmin(change.before) || isFullAccessAdmin(change.after)) return;
    const open = await accountRepo.findOpenRequestsAssignedTo(tx, change.companyId, change.employeeId);
    if (open.length === 0) return;
    const outcomes = await accounts.apply(
      tx,
      change.companyId,
      SYSTEM_ACTOR,
      open.map((row) => ({ providerId: row.provider_id, employeeId: row.employee_id, action: REASSIGN, reason: 'assignee_unavailable' })),
      { includeArchivedProviders: true, ...(countsFor ? { counts: countsFor(tx, change.companyId) } : {}) },
    );
    const lost = outcomes.find((outcome) => !outcome.ok && outcome.error.code === 'CONFLICT');
    // A person acted on one of these accounts at the same moment: the event is applied again from the start.
    if (lost && !lost.ok) throw new ConflictError(`an open request of assignee ${change.employeeId} changed meanwhile: ${lost.error.message}`);
    const stuck = open.filter((row, index) => {
      const outcome = outcomes[index]!;
      return !outcome.ok || outcome.row.assignee_id === change.employeeId;
    });
    if (stuck.length > 0) {
      logger.warn(
        { companyId: change.companyId, assigneeId: change.employeeId, accounts: stuck.map((row) => ({ providerId: row.provider_id, employeeId: row.employee_id })) },
        'open requests stay with an assignee who is no longer an active admin: their providers name no other active admin',
      );
    }
  };
}
