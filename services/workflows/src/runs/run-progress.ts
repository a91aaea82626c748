import type { Transaction } from 'kysely';
import { workflowRunCompleted, type AccountStatusChanged, type TaskRequestsApplied } from '@provisio/contracts';
import { emitEvent } from '../emit-event.js';
import type { ItemState, WorkflowsDb } from '../tables.js';
import { factsOfChange, factsOfStatus, itemState, mergeAnswers } from './item-state.js';
import { accountKey, type RunRepository } from './repository.js';

export interface ProgressLogger {
  warn(obj: object, msg: string): void;
  info(obj: object, msg: string): void;
}

/**
 * Moves runs forward from the accounts service's events. Item states are derived from the folded facts
 * (item-state.ts), never assigned by an event, so any order and any repetition gives the same run. Every
 * change to a run happens under its row lock, so two events of one run handled at once cannot both miss
 * the last item. Locks are taken accounts first, then runs in id order.
 */
export function createRunProgress({ repo, logger }: { repo: RunRepository; logger: ProgressLogger }) {
  /** Re-derives the items, tasks and status of a running run; completes what is complete. */
  async function recompute(tx: Transaction<WorkflowsDb>, companyId: string, runId: string): Promise<void> {
    const run = await repo.findRun(tx, companyId, runId, { forUpdate: true });
    if (!run || run.status !== 'running') return;
    const tasks = await repo.tasksOf(tx, [run.id]);
    const items = await repo.itemsOf(tx, tasks.map((task) => task.id));
    const facts = await repo.accountFacts(tx, companyId, [...new Map(items.map((item) => [accountKey(item.provider_id, item.employee_id), { providerId: item.provider_id, employeeId: item.employee_id }])).values()]);

    const states = new Map<string, ItemState[]>();
    for (const item of items) {
      const next = itemState({ action: item.action, answerState: item.answer_state, answerVersion: item.answer_version }, facts.get(accountKey(item.provider_id, item.employee_id)));
      if (next !== item.state) await repo.updateItem(tx, item.task_id, item.provider_id, { state: next });
      states.set(item.task_id, [...(states.get(item.task_id) ?? []), next]);
    }

    let allComplete = true;
    for (const task of tasks) {
      if (task.status === 'completed') continue;
      const complete = task.answered_at !== null && (states.get(task.id) ?? []).every((state) => state !== 'pending');
      if (complete) await repo.completeTask(tx, task.id);
      else allComplete = false;
    }
    if (allComplete) {
      await repo.setRunStatus(tx, run.id, 'completed');
      await emitEvent(tx, workflowRunCompleted, { companyId, runId: run.id, workflowId: run.workflow_id, employeeId: run.employee_id }, run.id);
      logger.info({ companyId, runId: run.id, workflowId: run.workflow_id, employeeId: run.employee_id }, 'workflow run completed');
    }
  }

  return {
    recompute,

    /** The accounts service's answer to `workflow.task.started`: the task's items and their starting state. */
    async onTaskRequestsApplied(tx: Transaction<WorkflowsDb>, data: TaskRequestsApplied): Promise<void> {
      const answered = [...data.items].sort((a, b) => a.providerId.localeCompare(b.providerId));
      for (const item of answered) {
        await repo.foldAccountFacts(tx, data.companyId, item.providerId, data.employeeId, factsOfStatus(item.status, item.version));
      }
      const run = await repo.findRun(tx, data.companyId, data.runId, { forUpdate: true });
      const task = run && (await repo.findTask(tx, data.companyId, data.runId, data.taskId));
      if (!run || !task) {
        logger.warn({ companyId: data.companyId, runId: data.runId, taskId: data.taskId }, 'answer for an unknown workflow task; ignored');
        return;
      }
      const existing = new Map((await repo.itemsOf(tx, [task.id])).map((item) => [item.provider_id, item]));
      for (const item of answered) {
        const current = existing.get(item.providerId);
        if (current) {
          const merged = mergeAnswers({ state: current.answer_state, version: current.answer_version }, { state: item.state, version: item.version });
          if (merged.state !== current.answer_state || merged.version !== current.answer_version) {
            await repo.updateItem(tx, task.id, item.providerId, { answer_state: merged.state, answer_version: merged.version });
          }
        } else {
          await repo.insertItems(tx, [{
            task_id: task.id,
            provider_id: item.providerId,
            company_id: run.company_id,
            run_id: run.id,
            employee_id: run.employee_id,
            action: task.action,
            answer_state: item.state,
            answer_version: item.version,
          }]);
        }
      }
      // A listed provider the answer leaves out had nothing to do (the accounts service resolved no request).
      const answeredIds = new Set(answered.map((item) => item.providerId));
      for (const item of existing.values()) {
        if (!answeredIds.has(item.provider_id) && item.answer_state === null) {
          await repo.updateItem(tx, task.id, item.provider_id, { answer_state: 'skipped', answer_version: 0 });
        }
      }
      await repo.markTaskAnswered(tx, task.id);
      await recompute(tx, data.companyId, run.id);
    },

    /** Any change of an account, from a workflow, the checklist or a notification. */
    async onAccountStatusChanged(tx: Transaction<WorkflowsDb>, data: AccountStatusChanged): Promise<void> {
      await repo.foldAccountFacts(tx, data.companyId, data.providerId, data.employeeId, factsOfChange(data));
      for (const runId of await repo.runningRunsWithAccount(tx, data.companyId, data.providerId, data.employeeId)) {
        await recompute(tx, data.companyId, runId);
      }
    },
  };
}
export type RunProgress = ReturnType<typeof createRunProgress>;
