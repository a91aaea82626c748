import type { Kysely, Transaction } from 'kysely';
import { workflowTaskOverdue } from '@provisio/contracts';
import { emitEvent } from '../emit-event.js';
import type { WorkflowsDb } from '../tables.js';
import type { RunRepository } from './repository.js';

export interface OverdueSweeper {
  /** Marks every open task past its due date overdue and announces each once; returns how many it marked. */
  sweep(): Promise<number>;
  /** Sweeps every `intervalMs` until stopped. */
  start(): void;
  /** Waits for a sweep in progress and stops. */
  stop(): Promise<void>;
}

const BATCH = 200;

/**
 * The periodic overdue sweep. Safe with any number of instances: each batch locks its tasks with
 * `FOR UPDATE SKIP LOCKED` and the update re-checks `status = 'open'`, so a task is marked and its
 * `workflow.task.overdue` emitted exactly once, in the same transaction.
 */
export function createOverdueSweeper(deps: {
  db: { kysely: Kysely<WorkflowsDb>; transaction<R>(fn: (tx: Transaction<WorkflowsDb>) => Promise<R>): Promise<R> };
  repo: Pick<RunRepository, 'markOverdue' | 'pendingProviders'>;
  intervalMs: number;
  logger: { info(obj: object, msg: string): void; error(obj: object, msg: string): void };
}): OverdueSweeper {
  const { db, repo, intervalMs, logger } = deps;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<unknown> | undefined;
  let stopped = true;

  async function sweepBatch(): Promise<number> {
    return db.transaction(async (tx) => {
      const tasks = await repo.markOverdue(tx, BATCH);
      for (const task of tasks) {
        await emitEvent(tx, workflowTaskOverdue, {
          companyId: task.company_id,
          runId: task.run_id,
          taskId: task.id,
          employeeId: task.employee_id,
          action: task.action,
          providerIds: await repo.pendingProviders(tx, task.id),
          assigneeId: task.assignee_id,
          dueAt: new Date(task.due_at!).toISOString(),
        }, task.run_id);
      }
      if (tasks.length > 0) logger.info({ tasks: tasks.map((task) => task.id) }, 'tasks overdue');
      return tasks.length;
    });
  }

  async function sweep(): Promise<number> {
    let total = 0;
    for (;;) {
      const marked = await sweepBatch();
      total += marked;
      if (marked < BATCH) return total;
    }
  }

  function schedule() {
    if (stopped) return;
    timer = setTimeout(() => {
      running = sweep()
        .catch((error: unknown) => logger.error({ err: error }, 'overdue sweep failed; will retry'))
        .finally(() => {
          running = undefined;
          schedule();
        });
    }, intervalMs);
  }

  return {
    sweep,
    start() {
      if (!stopped) return;
      stopped = false;
      schedule();
    },
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
