import type { Kysely, Transaction } from 'kysely';
import { workflowRunCancelled } from '@provisio/contracts';
import { ConflictError, InvalidReferenceError, NotFoundError, ValidationFailedError, type Principal } from '@provisio/service-kit';
import type { RosterEmployee } from '@provisio/roster';
import { decodeCursor, encodeCursor, isTimestamp } from '../cursor.js';
import type { DefinitionRepository } from '../definitions/repository.js';
import { emitEvent } from '../emit-event.js';
import type { WorkflowsDb } from '../tables.js';
import type { ItemRow, RunRepository, RunRow, RunVisibility, TaskRow } from './repository.js';
import type { StartRun } from './run-starter.js';
import type { Run, RunListQuery } from './schemas.js';

export interface RunServiceDeps {
  db: { kysely: Kysely<WorkflowsDb>; transaction<R>(fn: (tx: Transaction<WorkflowsDb>) => Promise<R>): Promise<R> };
  repo: RunRepository;
  definitions: Pick<DefinitionRepository, 'findWorkflow' | 'findVersion'>;
  startRun: StartRun;
  findEmployee(db: Kysely<WorkflowsDb> | Transaction<WorkflowsDb>, companyId: string, employeeId: string): Promise<RosterEmployee | undefined>;
}

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

function toRuns(runs: RunRow[], tasks: TaskRow[], items: ItemRow[]): Run[] {
  const itemsByTask = new Map<string, ItemRow[]>();
  for (const item of items) itemsByTask.set(item.task_id, [...(itemsByTask.get(item.task_id) ?? []), item]);
  const tasksByRun = new Map<string, TaskRow[]>();
  for (const task of tasks) tasksByRun.set(task.run_id, [...(tasksByRun.get(task.run_id) ?? []), task]);
  return runs.map((run) => ({
    id: run.id,
    workflowId: run.workflow_id,
    workflowVersion: run.workflow_version,
    workflowName: run.workflow_name,
    kind: run.kind,
    employeeId: run.employee_id,
    trigger: run.trigger,
    status: run.status,
    startedAt: iso(run.started_at)!,
    startedBy: run.started_by,
    completedAt: iso(run.completed_at),
    cancelledAt: iso(run.cancelled_at),
    tasks: (tasksByRun.get(run.id) ?? []).map((task) => ({
      id: task.id,
      title: task.title,
      action: task.action,
      assigneeId: task.assignee_id,
      dueAt: iso(task.due_at),
      status: task.status,
      completedAt: iso(task.completed_at),
      items: (itemsByTask.get(task.id) ?? []).map((item) => ({ providerId: item.provider_id, action: item.action, state: item.state })),
    })),
  }));
}

function visibilityOf(principal: Principal): RunVisibility {
  if (principal.role === 'admin') return { scope: 'company' };
  if (principal.role === 'manager') return { scope: 'reports_and_self', employeeId: principal.id };
  return { scope: 'self', employeeId: principal.id };
}

const runNotFound = (id: string) => new NotFoundError(`Workflow run ${id} was not found.`);

/** Runs: started by hand, cancelled, and read by the people allowed to see them. */
export function createRunService({ db, repo, definitions, startRun, findEmployee }: RunServiceDeps) {
  async function withTasks(dbOrTx: Kysely<WorkflowsDb> | Transaction<WorkflowsDb>, runs: RunRow[]): Promise<Run[]> {
    const tasks = await repo.tasksOf(dbOrTx, runs.map((run) => run.id));
    const items = await repo.itemsOf(dbOrTx, tasks.map((task) => task.id));
    return toRuns(runs, tasks, items);
  }

  async function visible(principal: Principal, run: RunRow): Promise<boolean> {
    const visibility = visibilityOf(principal);
    if (visibility.scope === 'company' || run.employee_id === principal.id) return true;
    if (visibility.scope === 'self') return false;
    const employee = await findEmployee(db.kysely, principal.companyId, run.employee_id);
    return employee?.managerId === principal.id;
  }

  return {
    /** An admin starts a published workflow for one employee by hand (trigger `manual`). */
    async start(principal: Principal, workflowId: string, employeeId: string): Promise<Run> {
      return db.transaction(async (tx) => {
        const workflow = await definitions.findWorkflow(tx, principal.companyId, workflowId);
        if (!workflow) throw new NotFoundError(`Workflow ${workflowId} was not found.`);
        if (workflow.archived_at) throw new ConflictError('This workflow is archived; it can no longer start runs.');
        if (workflow.published_version === null) throw new ConflictError('This workflow has never been published; publish it before starting a run.');
        const version = await definitions.findVersion(tx, principal.companyId, workflowId, workflow.published_version);
        if (!version) throw new Error(`workflow ${workflowId} has no version ${workflow.published_version}`);
        const employee = await findEmployee(tx, principal.companyId, employeeId);
        if (!employee) {
          throw new InvalidReferenceError(`Employee ${employeeId} is not a team member of this company.`, [{ path: 'employeeId', message: 'is not a known employee of this company' }]);
        }
        if (workflow.kind === 'provisioning' && employee.status !== 'active') {
          throw new InvalidReferenceError(`Employee ${employeeId} is terminated; provisioning runs are for active employees.`, [{ path: 'employeeId', message: 'is terminated' }]);
        }
        const run = await startRun(tx, { workflow: { workflow, version }, employee, trigger: 'manual', triggerAt: new Date(), actorId: principal.id });
        if (!run) throw new Error('a manual run collided with another run');
        return (await withTasks(tx, [run]))[0]!;
      });
    },

    /** Cancels a running run; the accounts service cancels its still-open requests on `workflow.run.cancelled`. */
    async cancel(principal: Principal, runId: string): Promise<Run> {
      return db.transaction(async (tx) => {
        const run = await repo.findRun(tx, principal.companyId, runId, { forUpdate: true });
        if (!run) throw runNotFound(runId);
        if (run.status === 'completed') throw new ConflictError('This run has completed; there is nothing left to cancel.');
        if (run.status === 'cancelled') return (await withTasks(tx, [run]))[0]!;
        const cancelled = await repo.setRunStatus(tx, run.id, 'cancelled', principal.id);
        await emitEvent(tx, workflowRunCancelled, {
          companyId: run.company_id,
          runId: run.id,
          workflowId: run.workflow_id,
          employeeId: run.employee_id,
          actorId: principal.id,
        }, run.id);
        return (await withTasks(tx, [cancelled]))[0]!;
      });
    },

    async get(principal: Principal, runId: string): Promise<Run> {
      const run = await repo.findRun(db.kysely, principal.companyId, runId);
      if (!run || !(await visible(principal, run))) throw runNotFound(runId);
      return (await withTasks(db.kysely, [run]))[0]!;
    },

    async list(principal: Principal, query: RunListQuery): Promise<{ items: Run[]; nextCursor: string | null }> {
      const after = decodeCursor(query.cursor, 2) as [string, string] | undefined;
      if (after && !isTimestamp(after[0])) throw new ValidationFailedError([{ path: 'cursor', message: 'is not a cursor this API returned', location: 'query' }]);
      const page = await repo.list(db.kysely, principal.companyId, visibilityOf(principal), {
        employeeId: query.employeeId,
        status: query.status,
        workflowId: query.workflowId,
        limit: query.limit,
        after,
      });
      const last = page.rows.at(-1);
      return {
        items: await withTasks(db.kysely, page.rows),
        nextCursor: page.hasMore && last ? encodeCursor([last.started_at_key, last.id]) : null,
      };
    },
  };
}
export type RunService = ReturnType<typeof createRunService>;
