import { sql, type Transaction } from 'kysely';
import {
  taskRequestsApplied,
  workflowRunCancelled,
  workflowTaskStarted,
  type TaskRequestsApplied,
  type WorkflowRunCancelled,
  type WorkflowTaskStarted,
} from '@provisio/contracts';
import { pgArray } from '@provisio/db';
import { emitMany, inTurns, type BatchItem, type CloudEvent, type Consumer, type Deferred } from '@provisio/messaging';
import { ConflictError } from '@provisio/service-kit';
import { EVENT_SOURCE, type AccountService, type ActionRequest } from '../accounts/account-service.js';
import { accountKey, withAccessStatuses, type AccountRepository } from '../accounts/repository.js';
import type { EmployeeRepository } from '../employees/repository.js';
import type { ProviderRepository } from '../providers/repository.js';
import type { AccountsDb } from '../tables.js';
import { planItem } from './task-plan.js';

/**
 * How long a task may wait for the employee or a provider to appear in this service's projections: the
 * HR and provider events that create them travel on other streams and may still be on their way. After
 * that, an unknown provider is `skipped` (the consumer retries with backoff well within its delivery limit).
 */
export const projectionGraceMs = 2 * 60_000;

export interface WorkflowTaskHandlerDeps {
  accounts: Pick<AccountService, 'apply'>;
  accountRepo: Pick<AccountRepository, 'findMany' | 'findByEmployees' | 'findOpenRequestsOfRun' | 'addToCountsOfCompanies'>;
  providerRepo: Pick<ProviderRepository, 'findMany'>;
  employeeRepo: Pick<EmployeeRepository, 'findMany'>;
  now?: () => Date;
}

/**
 * Locks runs (company, run id) in the order of their lock ids, all in one statement, so two transactions never
 * wait on each other in a circle. Advisory locks are re-entrant: locking a run again in the transaction is free.
 */
async function lockRuns(tx: Transaction<AccountsDb>, runs: readonly { companyId: string; runId: string }[]): Promise<void> {
  // task.started and run.cancelled of one run are applied one at a time, whatever order they come in.
  const keys = [...new Set(runs.map(({ companyId, runId }) => `accounts-run:${companyId}:${runId}`))];
  await sql`select pg_advisory_xact_lock(id) from (select distinct hashtext(k) as id from unnest(${pgArray(keys)}::text[]) as k order by 1) as locks`.execute(tx);
}

/**
 * Work from workflows: `workflow.task.started` requests the task's action on each of its providers (or,
 * `all_with_access`, every provider where the person has or is getting access) and answers with
 * `account.task_requests_applied`; `workflow.run.cancelled` withdraws the requests the run still has open.
 *
 * Started tasks come in batches (a wave of hires is a backlog of tasks): a batch locks all its runs at once,
 * then the tasks of one company are planned from one read of each kind and applied with one `apply`, so a
 * batch costs a dozen statements, not a dozen per task. Tasks about the same person go in turns, in the order
 * they came (the second plans from what the first did). Counters are written once, at the end. A task that
 * must wait (its employee or providers not known yet) is left for later with the tasks about the same person
 * behind it, and the rest commits; a task that loses a race fails the batch, and the consumer applies its
 * tasks again one by one.
 */
export function consumeWorkflowTasks(consumer: Consumer, deps: WorkflowTaskHandlerDeps): Consumer {
  const { accounts, accountRepo, providerRepo, employeeRepo } = deps;
  const now = deps.now ?? (() => new Date());

  const isYoung = (event: CloudEvent) => event.time !== undefined && now().getTime() - Date.parse(event.time) < projectionGraceMs;

  /**
   * Applies started tasks of one company, about different people, in `tx` (their runs locked); counts into
   * `counts`. Returns the tasks that must wait: their employee or a provider is not projected here yet.
   */
  async function applyTasks(
    tx: Transaction<AccountsDb>,
    companyId: string,
    candidates: readonly BatchItem<WorkflowTaskStarted>[],
    counts: Map<string, number>,
  ): Promise<BatchItem<WorkflowTaskStarted>[]> {
    const waiting: BatchItem<WorkflowTaskStarted>[] = [];
    const people = await employeeRepo.findMany(tx, companyId, candidates.flatMap(({ event }) => [event.data.employeeId, ...(event.data.assigneeId ? [event.data.assigneeId] : [])]));
    let started = candidates.filter((item) => {
      const known = people.has(item.event.data.employeeId) || !isYoung(item.event);
      if (!known) waiting.push(item);
      return known;
    });

    // `all_with_access`: the providers where the person has or is getting access, for all such tasks at once.
    const withAccess = await accountRepo.findByEmployees(
      tx,
      companyId,
      started.filter(({ event }) => event.data.providers === 'all_with_access').map(({ event }) => event.data.employeeId),
      withAccessStatuses,
    );
    const providerIdsOf = new Map(
      started.map((item) => {
        const task = item.event.data;
        const ids = task.providers === 'all_with_access' ? (withAccess.get(task.employeeId) ?? []).map((row) => row.provider_id) : [...new Set(task.providers)];
        return [item, ids] as const;
      }),
    );
    const providers = await providerRepo.findMany(tx, companyId, [...providerIdsOf.values()].flat());
    started = started.filter((item) => {
      const known = providerIdsOf.get(item)!.every((id) => providers.has(id)) || !isYoung(item.event);
      if (!known) waiting.push(item);
      return known;
    });
    if (started.length === 0) return waiting;

    const cancelledRuns = new Set(
      (
        await tx
          .selectFrom('cancelled_runs')
          .select('run_id')
          .where('company_id', '=', companyId)
          .where('run_id', 'in', [...new Set(started.map(({ event }) => event.data.runId))])
          .execute()
      ).map((row) => row.run_id),
    );
    // `all_with_access` means the providers in use; an archived one is left out rather than listed as skipped.
    const resolvedOf = new Map(
      started.map((item) => {
        const ids = providerIdsOf.get(item)!;
        return [item, item.event.data.providers === 'all_with_access' ? ids.filter((id) => providers.get(id)?.archived === false) : ids] as const;
      }),
    );
    const current = await accountRepo.findMany(
      tx,
      companyId,
      started.flatMap((item) => resolvedOf.get(item)!.map((providerId) => ({ providerId, employeeId: item.event.data.employeeId }))),
    );

    const planned = started.map((item) => {
      const task = item.event.data;
      const employee = people.get(task.employeeId);
      const taskAssignee = task.assigneeId ? people.get(task.assigneeId) : undefined;
      // A task assignee who is no longer an active admin gives way to each provider's own assignee.
      const assigneeId = taskAssignee?.status === 'active' && taskAssignee.accessLevel === 'admin' ? taskAssignee.id : undefined;
      const plans = resolvedOf.get(item)!.map((providerId) => {
        const row = current.get(accountKey(providerId, task.employeeId));
        const account = { status: row?.status ?? 'no_account', requestedFrom: row?.requested_from ?? null } as const;
        const provider = providers.get(providerId);
        if (cancelledRuns.has(task.runId) || !employee || !provider || provider.archived) return { providerId, row, plan: { state: 'skipped' as const } };
        return { providerId, row, plan: planItem(task.action, account, employee.status) };
      });
      const requests: ActionRequest[] = plans.flatMap(({ providerId, plan }): ActionRequest[] => {
        if (!plan.action) return [];
        const base = { providerId, employeeId: task.employeeId, action: plan.action, span: item.span, actorId: task.actorId };
        if (plan.action === 'cancel-request') return [{ ...base, reason: 'superseded' }];
        return [{ ...base, assigneeId, dueAt: task.dueAt, workflowRunId: task.runId, workflowTaskId: task.taskId }];
      });
      return { item, plans, requests };
    });

    const requests = planned.flatMap(({ requests }) => requests);
    // Each request names the actor of its own task.
    const outcomes = await accounts.apply(tx, companyId, started[0]!.event.data.actorId, requests, { counts });
    const written = new Map<string, { status: TaskRequestsApplied['items'][number]['status']; version: number }>();
    outcomes.forEach((outcome, index) => {
      if (!outcome.ok) {
        // The account changed under us (a person acted at the same moment): apply the task again from the start.
        throw new ConflictError(`account of provider ${requests[index]!.providerId} changed meanwhile: ${outcome.error.message}`);
      }
      written.set(accountKey(outcome.row.provider_id, outcome.row.employee_id), { status: outcome.row.status, version: outcome.row.version });
    });

    await emitMany(
      tx as Transaction<unknown>,
      planned.map(({ item, plans }) => {
        const task = item.event.data;
        const items = plans.map(({ providerId, row, plan }) => {
          const after = written.get(accountKey(providerId, task.employeeId)) ?? { status: row?.status ?? 'no_account', version: row?.version ?? 0 };
          return { providerId, state: plan.state, status: after.status, version: after.version };
        });
        const answer = taskRequestsApplied.build(
          { companyId, runId: task.runId, taskId: task.taskId, employeeId: task.employeeId, action: task.action, items },
          { source: EVENT_SOURCE, subject: task.taskId },
        );
        return { event: answer, aggregateId: task.runId, span: item.span };
      }),
    );
    return waiting;
  }

  async function onTasksStarted(started: BatchItem<WorkflowTaskStarted>[], anyTx: Transaction<unknown>): Promise<Deferred<WorkflowTaskStarted>> {
    const tx = anyTx as Transaction<AccountsDb>;
    await lockRuns(tx, started.map(({ event }) => event.data));
    const personOf = (item: BatchItem<WorkflowTaskStarted>) => JSON.stringify([item.event.data.companyId, item.event.data.employeeId]);
    // A task that must wait holds back the later tasks about the same person (they come after it).
    const later: BatchItem<WorkflowTaskStarted>[] = [];
    const held = new Set<string>();
    const countsOf = new Map<string, Map<string, number>>();
    // The first task of each person, then the second of each, …; each turn by company.
    for (const turn of inTurns(started, personOf)) {
      const byCompany = new Map<string, BatchItem<WorkflowTaskStarted>[]>();
      for (const item of turn) {
        const tasks = byCompany.get(item.event.data.companyId);
        if (tasks) tasks.push(item);
        else byCompany.set(item.event.data.companyId, [item]);
      }
      for (const [companyId, tasks] of byCompany) {
        const counts = countsOf.get(companyId) ?? new Map<string, number>();
        countsOf.set(companyId, counts);
        const behind = tasks.filter((item) => held.has(personOf(item)));
        const waiting = await applyTasks(tx, companyId, tasks.filter((item) => !held.has(personOf(item))), counts);
        for (const item of [...behind, ...waiting]) {
          held.add(personOf(item));
          later.push(item);
        }
      }
    }
    await accountRepo.addToCountsOfCompanies(tx, countsOf);
    return { later, reason: 'the employee or a provider of the task is not known here yet (their events are on their way)' };
  }

  async function onRunCancelled(event: CloudEvent<WorkflowRunCancelled>, anyTx: Transaction<unknown>): Promise<void> {
    const tx = anyTx as Transaction<AccountsDb>;
    const run = event.data;
    await lockRuns(tx, [run]);
    await tx
      .insertInto('cancelled_runs')
      .values({ company_id: run.companyId, run_id: run.runId })
      .onConflict((oc) => oc.columns(['company_id', 'run_id']).doNothing())
      .execute();
    const open = await accountRepo.findOpenRequestsOfRun(tx, run.companyId, run.runId);
    const outcomes = await accounts.apply(
      tx,
      run.companyId,
      run.actorId,
      open.map((row) => ({ providerId: row.provider_id, employeeId: row.employee_id, action: 'cancel-request' as const, reason: 'run_cancelled' })),
      { includeArchivedProviders: true },
    );
    const lost = outcomes.find((outcome) => !outcome.ok && outcome.error.code === 'CONFLICT');
    if (lost && !lost.ok) throw new ConflictError(`a request of run ${run.runId} changed meanwhile: ${lost.error.message}`);
  }

  return consumer.onBatch(workflowTaskStarted, onTasksStarted).on(workflowRunCancelled, onRunCancelled);
}
