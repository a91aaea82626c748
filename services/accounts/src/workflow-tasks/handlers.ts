import { sql, type Transaction } from 'kysely';
import {
  taskRequestsApplied,
  workflowRunCancelled,
  workflowTaskStarted,
  type TaskRequestsApplied,
  type WorkflowRunCancelled,
  type WorkflowTaskStarted,
} from '@provisio/contracts';
import { emit, type CloudEvent, type Consumer } from '@provisio/messaging';
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

export class NotYetKnownError extends Error {
  override name = 'NotYetKnownError';
}

export interface WorkflowTaskHandlerDeps {
  accounts: Pick<AccountService, 'apply'>;
  accountRepo: Pick<AccountRepository, 'findMany' | 'findByEmployee' | 'findOpenRequestsOfRun'>;
  providerRepo: Pick<ProviderRepository, 'findMany'>;
  employeeRepo: Pick<EmployeeRepository, 'find' | 'findMany'>;
  now?: () => Date;
}

async function lockRun(tx: Transaction<AccountsDb>, companyId: string, runId: string): Promise<void> {
  // task.started and run.cancelled of one run are applied one at a time, whatever order they come in.
  await sql`select pg_advisory_xact_lock(hashtext(${`accounts-run:${companyId}:${runId}`}))`.execute(tx);
}

/**
 * Work from workflows: `workflow.task.started` requests the task's action on each of its providers (or,
 * `all_with_access`, every provider where the person has or is getting access) and answers with
 * `account.task_requests_applied`; `workflow.run.cancelled` withdraws the requests the run still has open.
 */
export function consumeWorkflowTasks(consumer: Consumer, deps: WorkflowTaskHandlerDeps): Consumer {
  const { accounts, accountRepo, providerRepo, employeeRepo } = deps;
  const now = deps.now ?? (() => new Date());

  const isYoung = (event: CloudEvent) => event.time !== undefined && now().getTime() - Date.parse(event.time) < projectionGraceMs;

  async function onTaskStarted(event: CloudEvent<WorkflowTaskStarted>, anyTx: Transaction<unknown>): Promise<void> {
    const tx = anyTx as Transaction<AccountsDb>;
    const task = event.data;
    await lockRun(tx, task.companyId, task.runId);
    const cancelled = await tx
      .selectFrom('cancelled_runs')
      .select('run_id')
      .where('company_id', '=', task.companyId)
      .where('run_id', '=', task.runId)
      .executeTakeFirst();
    const employee = await employeeRepo.find(tx, task.companyId, task.employeeId);
    if (!employee && isYoung(event)) throw new NotYetKnownError(`employee ${task.employeeId} is not in the roster yet`);

    const providerIds =
      task.providers === 'all_with_access'
        ? (await accountRepo.findByEmployee(tx, task.companyId, task.employeeId, withAccessStatuses)).map((row) => row.provider_id)
        : [...new Set(task.providers)];
    const providers = await providerRepo.findMany(tx, task.companyId, providerIds);
    const unknown = providerIds.filter((id) => !providers.has(id));
    if (unknown.length > 0 && isYoung(event)) throw new NotYetKnownError(`providers ${unknown.join(', ')} are not known yet`);
    // `all_with_access` means the providers in use; an archived one is left out rather than listed as skipped.
    const resolved = task.providers === 'all_with_access' ? providerIds.filter((id) => providers.get(id)?.archived === false) : providerIds;

    const current = await accountRepo.findMany(tx, task.companyId, resolved.map((providerId) => ({ providerId, employeeId: task.employeeId })));
    const taskAssignee = task.assigneeId ? await employeeRepo.find(tx, task.companyId, task.assigneeId) : undefined;
    // A task assignee who is no longer an active admin gives way to each provider's own assignee.
    const assigneeId = taskAssignee?.status === 'active' && taskAssignee.accessLevel === 'admin' ? taskAssignee.id : undefined;

    const plans = resolved.map((providerId) => {
      const row = current.get(accountKey(providerId, task.employeeId));
      const account = { status: row?.status ?? 'no_account', requestedFrom: row?.requested_from ?? null } as const;
      const provider = providers.get(providerId);
      if (cancelled || !employee || !provider || provider.archived) return { providerId, row, plan: { state: 'skipped' as const } };
      return { providerId, row, plan: planItem(task.action, account, employee.status) };
    });

    const requests: ActionRequest[] = plans.flatMap(({ providerId, plan }): ActionRequest[] => {
      if (!plan.action) return [];
      const base = { providerId, employeeId: task.employeeId, action: plan.action };
      if (plan.action === 'cancel-request') return [{ ...base, reason: 'superseded' }];
      return [{ ...base, assigneeId, dueAt: task.dueAt, workflowRunId: task.runId, workflowTaskId: task.taskId }];
    });
    const outcomes = await accounts.apply(tx, task.companyId, task.actorId, requests);
    const written = new Map<string, { status: TaskRequestsApplied['items'][number]['status']; version: number }>();
    outcomes.forEach((outcome, index) => {
      if (!outcome.ok) {
        // The account changed under us (a person acted at the same moment): apply the task again from the start.
        throw new ConflictError(`account of provider ${requests[index]!.providerId} changed meanwhile: ${outcome.error.message}`);
      }
      written.set(outcome.row.provider_id, { status: outcome.row.status, version: outcome.row.version });
    });

    const items = plans.map(({ providerId, row, plan }) => {
      const after = written.get(providerId) ?? { status: row?.status ?? 'no_account', version: row?.version ?? 0 };
      return { providerId, state: plan.state, status: after.status, version: after.version };
    });
    const answer = taskRequestsApplied.build(
      { companyId: task.companyId, runId: task.runId, taskId: task.taskId, employeeId: task.employeeId, action: task.action, items },
      { source: EVENT_SOURCE, subject: task.taskId },
    );
    await emit(tx as Transaction<unknown>, answer, task.runId);
  }

  async function onRunCancelled(event: CloudEvent<WorkflowRunCancelled>, anyTx: Transaction<unknown>): Promise<void> {
    const tx = anyTx as Transaction<AccountsDb>;
    const run = event.data;
    await lockRun(tx, run.companyId, run.runId);
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

  return consumer.on(workflowTaskStarted, onTaskStarted).on(workflowRunCancelled, onRunCancelled);
}
