import type { Kysely, Transaction } from 'kysely';
import { createWorkLoop, type ConsumerLogger } from '@provisio/messaging';
import type { NotificationsDb } from '../tables.js';
import type { OverdueRepository } from './overdue-repository.js';
import type { OverdueService } from './overdue-service.js';

export interface OverdueSweepOptions {
  db: { kysely: Kysely<NotificationsDb>; transaction<R>(fn: (tx: Transaction<NotificationsDb>) => Promise<R>): Promise<R> };
  repo: Pick<OverdueRepository, 'findDue'>;
  overdue: Pick<OverdueService, 'markDue'>;
  logger: Pick<ConsumerLogger, 'info' | 'error'>;
  /** How often it sweeps. */
  intervalMs: number;
  /** Items looked at per transaction at most. */
  batchSize?: number;
}

export interface OverdueSweep {
  start(): void;
  /** Waits for the batch in progress (of the loop or of a `sweep()` call), then stops. */
  stop(): Promise<void>;
  /** Sweeps now until no due item is left; resolves with what this call marked and announced. */
  sweep(): Promise<{ items: number; notifications: number }>;
  /** Counters since start, for metrics and tests. */
  readonly stats: { sweeps: number; items: number; notifications: number; failedSweeps: number };
}

/**
 * Marks pending items whose due date has passed overdue, so the console learns of it from
 * `notification.changed` rather than at its next read. Each batch is one transaction: find due items, lock
 * their employees (the stacker's lock, in key order), mark every item of theirs still pending, past due and
 * unmarked, bump and announce each notification changed once. With any number of sweepers (replicas) an
 * item is marked once and a notification announced once for the items that fell due together.
 */
export function createOverdueSweep({ db, repo, overdue, logger, intervalMs, batchSize = 500 }: OverdueSweepOptions): OverdueSweep {
  const stats = { sweeps: 0, items: 0, notifications: 0, failedSweeps: 0 };
  const inProgress = new Set<Promise<unknown>>();
  let stopping = false;

  /** One batch: returns how many due items it found (a full batch means there may be more). */
  async function batch(): Promise<{ found: number; items: number; notifications: number }> {
    return db.transaction(async (tx) => {
      const due = await repo.findDue(tx, batchSize);
      const { marked, notificationIds } = await overdue.markDue(tx, due);
      return { found: due.length, items: marked, notifications: notificationIds.length };
    });
  }

  async function sweepUntilDone(): Promise<{ items: number; notifications: number }> {
    const total = { items: 0, notifications: 0 };
    try {
      for (;;) {
        const { found, items, notifications } = await batch();
        total.items += items;
        total.notifications += notifications;
        stats.items += items;
        stats.notifications += notifications;
        if (found < batchSize || stopping) break;
      }
      stats.sweeps += 1;
    } catch (error) {
      stats.failedSweeps += 1;
      throw error;
    }
    if (total.items > 0) logger.info(total, 'items overdue');
    return total;
  }

  function sweep(): Promise<{ items: number; notifications: number }> {
    const running = sweepUntilDone();
    const settled = running.catch(() => undefined);
    inProgress.add(settled);
    void settled.finally(() => inProgress.delete(settled));
    return running;
  }

  const loop = createWorkLoop({
    work: async () => {
      await sweep();
    },
    pollIntervalMs: intervalMs,
    onError: (error, failures) => logger.error({ err: error, failures }, 'overdue sweep failed; will retry'),
  });

  return {
    start() {
      stopping = false;
      loop.start();
    },
    async stop() {
      stopping = true;
      await loop.stop();
      await Promise.all(inProgress);
    },
    sweep,
    stats,
  };
}
