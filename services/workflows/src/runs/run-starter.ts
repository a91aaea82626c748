import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import { workflowRunStarted, workflowTaskStarted } from '@provisio/contracts';
import type { RosterEmployee } from '@provisio/roster';
import { actionOf } from '../definitions/definition.js';
import type { WorkflowWithVersion } from '../definitions/repository.js';
import { emitEvent } from '../emit-event.js';
import type { RunTrigger, WorkflowsDb } from '../tables.js';
import { dueAt } from './due-date.js';
import type { RunRepository, RunRow } from './repository.js';

export interface StartRunInput {
  /** A workflow with the version the run follows (the published one). */
  workflow: WorkflowWithVersion;
  employee: RosterEmployee;
  trigger: RunTrigger;
  /** The HR event's key (source#id); absent for a run started by hand. */
  triggerKey?: string;
  triggerAt: Date;
  immediate?: boolean;
  actorId: string;
}

/**
 * Starts a run: the run, its tasks and the items of explicitly listed providers, plus `workflow.run.started`
 * and one `workflow.task.started` per task, all in the caller's transaction. Returns undefined when this
 * workflow already ran for this trigger event and employee (a unique constraint decides, not a prior read).
 */
export function createRunStarter({ repo }: { repo: Pick<RunRepository, 'insertRun' | 'insertTask' | 'insertItems'> }) {
  return async function startRun(tx: Transaction<WorkflowsDb>, input: StartRunInput): Promise<RunRow | undefined> {
    const { workflow, version } = input.workflow;
    const { employee } = input;
    const id = randomUUID();
    const run = await repo.insertRun(tx, {
      id,
      company_id: workflow.company_id,
      workflow_id: workflow.id,
      workflow_version: version.version,
      workflow_name: version.name,
      kind: workflow.kind,
      employee_id: employee.id,
      trigger: input.trigger,
      trigger_key: input.triggerKey ?? `manual:${id}`,
      started_by: input.actorId,
      completed_at: null,
      cancelled_at: null,
      cancelled_by: null,
    });
    if (!run) return undefined;

    await emitEvent(tx, workflowRunStarted, {
      companyId: run.company_id,
      runId: run.id,
      workflowId: run.workflow_id,
      workflowVersion: run.workflow_version,
      employeeId: run.employee_id,
      trigger: run.trigger,
    }, run.id);

    const action = actionOf(workflow.kind);
    const now = new Date();
    for (const [position, task] of version.tasks.entries()) {
      const due = dueAt(task.due, {
        triggerAt: input.triggerAt,
        startDate: employee.startDate,
        terminationDate: employee.terminationDate,
        immediate: input.immediate ?? false,
        now,
      });
      const row = await repo.insertTask(tx, {
        id: randomUUID(),
        company_id: run.company_id,
        run_id: run.id,
        position,
        title: task.title,
        action,
        providers: JSON.stringify(task.providerIds),
        assignee_id: task.assigneeId,
        due_at: due,
        answered_at: null,
        overdue_at: null,
        completed_at: null,
      });
      if (task.providerIds !== 'all_with_access') {
        await repo.insertItems(
          tx,
          task.providerIds.map((providerId) => ({
            task_id: row.id,
            provider_id: providerId,
            company_id: run.company_id,
            run_id: run.id,
            employee_id: run.employee_id,
            action,
            answer_state: null,
            answer_version: null,
          })),
        );
      }
      await emitEvent(tx, workflowTaskStarted, {
        companyId: run.company_id,
        runId: run.id,
        taskId: row.id,
        workflowId: run.workflow_id,
        employeeId: run.employee_id,
        action,
        providers: task.providerIds,
        assigneeId: task.assigneeId,
        dueAt: due ? due.toISOString() : null,
        actorId: input.actorId,
      }, run.id);
    }
    return run;
  };
}
export type StartRun = ReturnType<typeof createRunStarter>;
