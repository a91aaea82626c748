import type { Kysely, Transaction } from 'kysely';
import { accountStatusChanged, type AccountStatus } from '@provisio/contracts';
import { isSerializationFailure } from '@provisio/db';
import { emit } from '@provisio/messaging';
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
import { accountKey, type AccountRepository, type AccountRow, type NewHistoryRow } from './repository.js';

export const EVENT_SOURCE = 'provisio/accounts';

/** One account action, from a person (HTTP), a workflow task, or a roster change. */
export interface ActionRequest {
  providerId: string;
  employeeId: string;
  action: AccountAction;
  note?: string | null | undefined;
  /** Requests only. */
  dueAt?: string | null | undefined;
  /** Requests only; default: the provider's assignee for the direction. Must be an active admin. */
  assigneeId?: string | null | undefined;
  /** Refuse with CONFLICT unless the account is at this version (If-Match). */
  expectedVersion?: number | undefined;
  workflowRunId?: string | null | undefined;
  workflowTaskId?: string | null | undefined;
  /** Why a request ends without being done (`cancelled`, `terminated`, `run_cancelled`). */
  reason?: string | null | undefined;
}

export type ActionOutcome = { ok: true; row: AccountRow } | { ok: false; error: AppError };

export interface ApplyOptions {
  /** System changes (a termination, a cancelled run) also close requests on archived providers. */
  includeArchivedProviders?: boolean;
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
  function lostRace(current: AccountRow, action: AccountAction, employee: RosterEmployee): AppError {
    const allowed = allowedActions(current.status, employee.status);
    if (!allowed.includes(action)) return new InvalidTransitionError({ currentStatus: current.status, allowed });
    return new ConflictError(
      `The account changed while you were acting (now ${current.status}, version ${current.version}); reload it and retry.`,
      { currentStatus: current.status, version: current.version },
    );
  }

  /**
   * Applies `requests` in order inside `tx`. Each one succeeds or fails on its own; a later request on the
   * same account sees the earlier one's result. Returns one outcome per request.
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
    const people = await employees.findMany(tx, companyId, [
      ...requests.map((request) => request.employeeId),
      ...requests.flatMap((request) => (request.assigneeId ? [request.assigneeId] : [])),
    ]);
    const state = await accounts.findMany(tx, companyId, requests);
    const stored = new Set(state.keys());
    const history: NewHistoryRow[] = [];
    const counts = new Map<string, number>();
    const count = (providerId: string, status: AccountStatus, delta: number) => {
      if (status === 'no_account') return;
      const key = `${providerId}|${status}`;
      counts.set(key, (counts.get(key) ?? 0) + delta);
    };

    const outcomes: ActionOutcome[] = [];
    for (const request of requests) {
      const provider = providerRows.get(request.providerId);
      if (!provider || (provider.archived && !options.includeArchivedProviders)) {
        outcomes.push({ ok: false, error: new NotFoundError(`Provider ${request.providerId} was not found, or it is archived.`) });
        continue;
      }
      const employee = people.get(request.employeeId);
      if (!employee) {
        outcomes.push({ ok: false, error: new NotFoundError(`Employee ${request.employeeId} was not found.`) });
        continue;
      }
      const key = accountKey(request.providerId, request.employeeId);
      const current = state.get(key) ?? noAccount(companyId, request.providerId, request.employeeId, at);
      let next;
      try {
        next = transition({ status: current.status, requestedFrom: current.requested_from }, request.action, employee.status);
      } catch (error) {
        outcomes.push({ ok: false, error: error as AppError });
        continue;
      }
      // A move the current status forbids says so (above); an allowed one decided on an older version is a conflict.
      if (request.expectedVersion !== undefined && request.expectedVersion !== current.version) {
        outcomes.push({
          ok: false,
          error: new ConflictError(
            `The account is at version ${current.version}, not ${request.expectedVersion}; reload it and retry.`,
            { currentStatus: current.status, version: current.version },
          ),
        });
        continue;
      }

      const direction = requestDirection[request.action];
      let assigneeId: string | null = null;
      if (direction) {
        if (request.assigneeId) {
          const assignee = people.get(request.assigneeId);
          if (assignee?.status !== 'active' || assignee.accessLevel !== 'admin') {
            outcomes.push({
              ok: false,
              error: new InvalidReferenceError('The assignee must be an active Full Access Admin of the company; pick another assignee.', [
                { path: 'assigneeId', message: `employee ${request.assigneeId} is not an active Full Access Admin` },
              ]),
            });
            continue;
          }
          assigneeId = request.assigneeId;
        } else {
          assigneeId = direction === 'provision' ? provider.provisioning_assignee_id : provider.deprovisioning_assignee_id;
        }
      }

      const opensRequest = isRequestAction(request.action);
      // The run that asked for this change: the new request's, or the one whose request this change closes.
      const workflowRunId = opensRequest ? (request.workflowRunId ?? null) : (request.workflowRunId ?? current.workflow_run_id);
      const workflowTaskId = opensRequest ? (request.workflowTaskId ?? null) : (request.workflowTaskId ?? current.workflow_task_id);
      const reason =
        request.reason ?? (request.action === 'cancel-request' ? 'cancelled' : null);
      const candidate: AccountRow = {
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
      const written = stored.has(key) ? await accounts.update(tx, candidate, current.version) : await accounts.insert(tx, candidate);
      if (!written) {
        // Another transaction changed the account since it was read: this action loses.
        const fresh = await accounts.find(tx, companyId, request.providerId, request.employeeId);
        if (fresh) {
          state.set(key, fresh);
          stored.add(key);
        }
        outcomes.push({ ok: false, error: lostRace(fresh ?? current, request.action, employee) });
        continue;
      }
      state.set(key, written);
      stored.add(key);
      count(written.provider_id, current.status, -1);
      count(written.provider_id, written.status, +1);

      history.push({
        company_id: companyId,
        provider_id: written.provider_id,
        employee_id: written.employee_id,
        from_status: current.status,
        to_status: written.status,
        actor_id: actorId,
        assignee_id: written.assignee_id,
        due_at: written.due_at,
        note: request.note ?? null,
        reason,
        workflow_run_id: workflowRunId,
        workflow_task_id: workflowTaskId,
        version: written.version,
        at,
      });
      const event = accountStatusChanged.build(
        {
          companyId,
          providerId: written.provider_id,
          employeeId: written.employee_id,
          from: current.status,
          to: written.status,
          assigneeId: written.assignee_id,
          previousAssigneeId: isOpenRequest(current.status) ? current.assignee_id : null,
          dueAt: written.due_at ? written.due_at.toISOString() : null,
          actorId,
          note: request.note ?? null,
          workflowRunId,
          workflowTaskId,
          reason,
          version: written.version,
          at: at.toISOString(),
        },
        { source: EVENT_SOURCE, subject: key, time: at },
      );
      await emit(tx as Transaction<unknown>, event, key);
      outcomes.push({ ok: true, row: written });
    }

    await accounts.insertHistory(tx, history);
    await accounts.addToCounts(tx, companyId, counts);
    return outcomes;
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
