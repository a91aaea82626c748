import type { Kysely, Transaction } from 'kysely';
import { accountStatusChanged, type AccountStatus } from '@provisio/contracts';
import { isSerializationFailure } from '@provisio/db';
import type { RosterEmployee } from '@provisio/roster';
import {
  ConflictError,
  InvalidReferenceError,
  InvalidTransitionError,
  NotFoundError,
  type AppError,
  type Principal,
} from '@provisio/service-kit';
import type { ProviderRepository } from '../providers/repository.js';
import type { AccountsDb } from '../tables.js';
import { allowedActions, isRequestAction, requestDirection, transition, type AccountAction } from './account-transitions.js';
import { emitMany } from '@provisio/messaging';
import type { Span } from '@provisio/telemetry';
import { accountKey, type AccountRepository, type AccountRow } from './repository.js';

export const EVENT_SOURCE = 'provisio/accounts';

/**
 * Gives an open request another assignee: the status, due date and run stay. Not one of the contract's moves
 * (the status does not change), so it is not in the transition table.
 */
export const REASSIGN = 'reassign';

/** One account action, from a person (HTTP), a workflow task, or a roster change. */
export interface ActionRequest {
  providerId: string;
  employeeId: string;
  action: AccountAction | typeof REASSIGN;
  note?: string | null | undefined;
  /** Requests only. */
  dueAt?: string | null | undefined;
  /** Requests and reassignments only; default: the provider's assignee for the direction. Must be an active admin. */
  assigneeId?: string | null | undefined;
  /** Refuse with CONFLICT unless the account is at this version (If-Match). */
  expectedVersion?: number | undefined;
  workflowRunId?: string | null | undefined;
  workflowTaskId?: string | null | undefined;
  /** Why a request ends without being done (`cancelled`, `terminated`, `run_cancelled`). */
  reason?: string | null | undefined;
  /** The span whose trace the change's event continues (a batch of work from several traces); the active one when not given. */
  span?: Span | undefined;
  /** Who asked, when not the `actorId` of the whole call (a batch of work from several actors). */
  actorId?: string | undefined;
}

export type ActionOutcome = { ok: true; row: AccountRow } | { ok: false; error: AppError };

export interface ApplyOptions {
  /** System changes (a termination, a cancelled run) also close requests on archived providers. */
  includeArchivedProviders?: boolean;
  /**
   * Collects the counter changes here instead of writing them: a caller that applies several times in one
   * transaction writes them once at the end (`AccountRepository.addToCounts`), so the transaction takes the
   * counter rows in one sorted round and never waits for another in a circle.
   */
  counts?: Map<string, number>;
}

export interface AccountServiceDeps {
  db: { kysely: Kysely<AccountsDb>; transaction<R>(fn: (tx: Transaction<AccountsDb>) => Promise<R>): Promise<R> };
  accounts: AccountRepository;
  providers: Pick<ProviderRepository, 'findMany'>;
  employees: { findMany(db: Transaction<AccountsDb>, companyId: string, ids: readonly string[]): Promise<Map<string, RosterEmployee>> };
  now?: () => Date;
}

const maxAttempts = 3;

/** The default state of every (provider, employee) pair: no row. */
function noAccount(companyId: string, providerId: string, employeeId: string, now: Date): AccountRow {
  return {
    company_id: companyId,
    provider_id: providerId,
    employee_id: employeeId,
    status: 'no_account',
    requested_from: null,
    assignee_id: null,
    requested_at: null,
    due_at: null,
    note: null,
    workflow_run_id: null,
    workflow_task_id: null,
    created_at: now,
    updated_at: now,
    version: 0,
  };
}

const isOpenRequest = (status: AccountStatus) => status === 'provisioning_requested' || status === 'deprovisioning_requested';

/**
 * Account changes. Every change goes through `transition()`, is written only if the account is still at
 * the version it was read at (optimistic concurrency: of two conflicting actions exactly one wins), and
 * commits with its history row and its `account.status_changed` outbox event.
 */
export function createAccountService(deps: AccountServiceDeps) {
  const { db, accounts, providers, employees } = deps;
  const now = deps.now ?? (() => new Date());

  /** Why a write found the account changed: the action is no longer allowed, or it is but on other facts. */
  function lostRace(current: AccountRow, action: ActionRequest['action'], employee: RosterEmployee): AppError {
    const allowed = allowedActions(current.status, employee.status);
    const stillAllowed = action === REASSIGN ? isOpenRequest(current.status) : allowed.includes(action);
    if (!stillAllowed) return new InvalidTransitionError({ currentStatus: current.status, allowed });
    return new ConflictError(
      `The account changed while you were acting (now ${current.status}, version ${current.version}); reload it and retry.`,
      { currentStatus: current.status, version: current.version },
    );
  }

  /** A change decided in memory, written in phase 2 if its account's final write wins. */
  interface Change {
    index: number;
    request: ActionRequest;
    employee: RosterEmployee;
    before: AccountRow;
    after: AccountRow;
    reason: string | null;
    workflowRunId: string | null;
    workflowTaskId: string | null;
  }

  /**
   * Applies `requests` in order inside `tx`. Each one succeeds or fails on its own; a later request on the
   * same account sees the earlier one's result. Returns one outcome per request.
   *
   * Phase 1 decides every change in memory (transition table, references). Phase 2 writes the final state of
   * each touched account in one statement, each only if it is still at the version read (or still has no
   * row); an account that moved meanwhile fails all of this call's changes to it. Phase 3 writes history,
   * events and counters of the changes that won, in one statement each.
   */
  async function apply(
    tx: Transaction<AccountsDb>,
    companyId: string,
    actorId: string,
    requests: readonly ActionRequest[],
    options: ApplyOptions = {},
  ): Promise<ActionOutcome[]> {
    const at = now();
    const providerRows = await providers.findMany(tx, companyId, requests.map((request) => request.providerId));
    // A reassignment without an assignee goes to the provider's assignee, who must be an active admin too.
    const defaultAssignees = requests.flatMap((request) => {
      const provider = request.action === REASSIGN && !request.assigneeId ? providerRows.get(request.providerId) : undefined;
      return provider ? [provider.provisioning_assignee_id, provider.deprovisioning_assignee_id] : [];
    });
    const people = await employees.findMany(tx, companyId, [
      ...requests.map((request) => request.employeeId),
      ...requests.flatMap((request) => (request.assigneeId ? [request.assigneeId] : [])),
      ...defaultAssignees,
    ]);
    const read = await accounts.findMany(tx, companyId, requests);
    const state = new Map(read);
    const outcomes: (ActionOutcome | undefined)[] = requests.map(() => undefined);
    const changes: Change[] = [];
    const fail = (index: number, error: AppError) => {
      outcomes[index] = { ok: false, error };
    };

    requests.forEach((request, index) => {
      const provider = providerRows.get(request.providerId);
      if (!provider || (provider.archived && !options.includeArchivedProviders)) {
        return fail(index, new NotFoundError(`Provider ${request.providerId} was not found, or it is archived.`));
      }
      const employee = people.get(request.employeeId);
      if (!employee) return fail(index, new NotFoundError(`Employee ${request.employeeId} was not found.`));
      const key = accountKey(request.providerId, request.employeeId);
      const current = state.get(key) ?? noAccount(companyId, request.providerId, request.employeeId, at);
      const action = request.action;
      const reassigning = action === REASSIGN;
      let next;
      if (reassigning) {
        // Only an open request has an assignee to change.
        if (!isOpenRequest(current.status)) {
          return fail(index, new InvalidTransitionError({ currentStatus: current.status, allowed: allowedActions(current.status, employee.status) }));
        }
        next = { status: current.status, requestedFrom: current.requested_from };
      } else {
        try {
          next = transition({ status: current.status, requestedFrom: current.requested_from }, action, employee.status);
        } catch (error) {
          return fail(index, error as AppError);
        }
      }
      // A move the current status forbids says so (above); an allowed one decided on an older version is a conflict.
      if (request.expectedVersion !== undefined && request.expectedVersion !== current.version) {
        return fail(
          index,
          new ConflictError(`The account is at version ${current.version}, not ${request.expectedVersion}; reload it and retry.`, {
            currentStatus: current.status,
            version: current.version,
          }),
        );
      }

      const direction = reassigning ? (current.status === 'provisioning_requested' ? 'provision' : 'deprovision') : requestDirection[action];
      let assigneeId: string | null = null;
      if (direction) {
        if (request.assigneeId) {
          const assignee = people.get(request.assigneeId);
          if (assignee?.status !== 'active' || assignee.accessLevel !== 'admin') {
            return fail(
              index,
              new InvalidReferenceError('The assignee must be an active Full Access Admin of the company; pick another assignee.', [
                { path: 'assigneeId', message: `employee ${request.assigneeId} is not an active Full Access Admin` },
              ]),
            );
          }
          assigneeId = request.assigneeId;
        } else {
          assigneeId = direction === 'provision' ? provider.provisioning_assignee_id : provider.deprovisioning_assignee_id;
        }
      }

      let after: AccountRow;
      let reason: string | null;
      // The run that asked for this change: the new request's, or the one whose request this change closes.
      let workflowRunId: string | null;
      let workflowTaskId: string | null;
      if (reassigning) {
        const assignee = assigneeId === null ? undefined : people.get(assigneeId);
        if (assignee?.status !== 'active' || assignee.accessLevel !== 'admin') {
          return fail(
            index,
            new InvalidReferenceError("The provider's assignee for this request is not an active Full Access Admin; name another assignee.", [
              { path: 'assigneeId', message: `employee ${assigneeId} is not an active Full Access Admin` },
            ]),
          );
        }
        // The same assignee again changes nothing (no new version, no event).
        if (assigneeId === current.assignee_id) {
          outcomes[index] = { ok: true, row: current };
          return;
        }
        // Only the assignee changes: the request keeps its status, due date and run.
        after = { ...current, assignee_id: assigneeId, note: request.note ?? current.note, updated_at: at, version: current.version + 1 };
        reason = request.reason ?? null;
        workflowRunId = current.workflow_run_id;
        workflowTaskId = current.workflow_task_id;
      } else {
        const opensRequest = isRequestAction(action);
        workflowRunId = opensRequest ? (request.workflowRunId ?? null) : (request.workflowRunId ?? current.workflow_run_id);
        workflowTaskId = opensRequest ? (request.workflowTaskId ?? null) : (request.workflowTaskId ?? current.workflow_task_id);
        after = {
          ...current,
          status: next.status,
          requested_from: next.requestedFrom,
          assignee_id: assigneeId,
          requested_at: opensRequest ? at : null,
          due_at: opensRequest && request.dueAt ? new Date(request.dueAt) : null,
          note: request.note ?? null,
          workflow_run_id: opensRequest ? workflowRunId : null,
          workflow_task_id: opensRequest ? workflowTaskId : null,
          updated_at: at,
          version: current.version + 1,
        };
        reason = request.reason ?? (action === 'cancel-request' ? 'cancelled' : null);
      }
      state.set(key, after);
      changes.push({ index, request, employee, before: current, after, reason, workflowRunId, workflowTaskId });
    });

    // Phase 2: one write per touched account, its final state, guarded by the version read.
    const touched = [...new Set(changes.map((change) => accountKey(change.after.provider_id, change.after.employee_id)))];
    const finals = touched.map((key) => ({ row: state.get(key)!, expectedVersion: read.get(key)?.version }));
    const written = await accounts.writeAll(tx, companyId, finals);
    const lost = touched.filter((key) => !written.has(key));
    const fresh = lost.length > 0 ? await accounts.findMany(tx, companyId, lost.map((key) => ({ providerId: state.get(key)!.provider_id, employeeId: state.get(key)!.employee_id }))) : new Map<string, AccountRow>();

    const won: Change[] = [];
    for (const change of changes) {
      const key = accountKey(change.after.provider_id, change.after.employee_id);
      const stored = written.get(key);
      if (!stored) {
        // Another transaction changed the account since it was read: this call's actions on it lose.
        const current = fresh.get(key) ?? noAccount(companyId, change.after.provider_id, change.after.employee_id, at);
        fail(change.index, lostRace(current, change.request.action, change.employee));
        continue;
      }
      change.after.created_at = stored.created_at;
      outcomes[change.index] = { ok: true, row: change.after };
      won.push(change);
    }

    // Phase 3: history, events and counters of the changes that won.
    await accounts.insertHistory(
      tx,
      won.map(({ before, after, request, reason, workflowRunId, workflowTaskId }) => ({
        company_id: companyId,
        provider_id: after.provider_id,
        employee_id: after.employee_id,
        from_status: before.status,
        to_status: after.status,
        actor_id: request.actorId ?? actorId,
        assignee_id: after.assignee_id,
        due_at: after.due_at,
        note: request.note ?? null,
        reason,
        workflow_run_id: workflowRunId,
        workflow_task_id: workflowTaskId,
        version: after.version,
        at,
      })),
    );
    await emitMany(
      tx as Transaction<unknown>,
      won.map(({ before, after, request, reason, workflowRunId, workflowTaskId }) => {
        const key = accountKey(after.provider_id, after.employee_id);
        const event = accountStatusChanged.build(
          {
            companyId,
            providerId: after.provider_id,
            employeeId: after.employee_id,
            from: before.status,
            to: after.status,
            assigneeId: after.assignee_id,
            previousAssigneeId: isOpenRequest(before.status) ? before.assignee_id : null,
            dueAt: after.due_at ? after.due_at.toISOString() : null,
            actorId: request.actorId ?? actorId,
            note: request.note ?? null,
            workflowRunId,
            workflowTaskId,
            reason,
            version: after.version,
            at: at.toISOString(),
          },
          { source: EVENT_SOURCE, subject: key, time: at },
        );
        return { event, aggregateId: key, ...(request.span ? { span: request.span } : {}) };
      }),
    );
    const counts = options.counts ?? new Map<string, number>();
    const count = (providerId: string, status: AccountStatus, delta: number) => {
      if (status === 'no_account') return;
      const key = `${providerId}|${status}`;
      counts.set(key, (counts.get(key) ?? 0) + delta);
    };
    for (const { before, after } of won) {
      count(after.provider_id, before.status, -1);
      count(after.provider_id, after.status, +1);
    }
    if (!options.counts) await accounts.addToCounts(tx, companyId, counts);
    return outcomes.map((outcome) => outcome ?? { ok: false, error: new ConflictError('The action was not applied; retry.') });
  }

  /** Runs `apply` in its own transaction, again when it loses a deadlock or serialization race. */
  async function applyInTransaction(companyId: string, actorId: string, requests: readonly ActionRequest[]): Promise<ActionOutcome[]> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await db.transaction((tx) => apply(tx, companyId, actorId, requests));
      } catch (error) {
        if (attempt >= maxAttempts || !isSerializationFailure(error)) throw error;
      }
    }
  }

  return {
    apply,

    /** One action by a person; its failure is thrown. */
    async act(principal: Principal, request: ActionRequest): Promise<AccountRow> {
      const [outcome] = await applyInTransaction(principal.companyId, principal.id, [request]);
      if (!outcome) throw new Error('no outcome for the action');
      if (!outcome.ok) throw outcome.error;
      return outcome.row;
    },

    /** Many actions in one transaction; each item succeeds or fails on its own. */
    async batch(principal: Principal, requests: readonly ActionRequest[]): Promise<ActionOutcome[]> {
      return applyInTransaction(principal.companyId, principal.id, requests);
    },
  };
}
export type AccountService = ReturnType<typeof createAccountService>;
