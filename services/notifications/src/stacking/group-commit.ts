import type { Database } from '@provisio/db';

export interface GroupCommitOptions {
  /** Transactions run in one database transaction at most. */
  maxGroup?: number;
  /** Groups committing at once (each on its own connection). */
  lanes?: number;
  /** Runs last in every transaction, before it commits: writes what the calls left for the end (bulk inserts). */
  beforeCommit?: (tx: never) => Promise<void>;
  /** Called after each commit. */
  onCommit?: () => void;
}

interface Job {
  fn: (tx: never) => Promise<unknown>;
  resolve: (value: unknown) => void;
  reject: (error: unknown) => void;
}

/**
 * The same database, whose `transaction(fn)` calls made at the same time share one real transaction, run one
 * after the other inside it, and resolve once it has committed. Each call keeps its meaning (its writes commit
 * together or not at all), but many small transactions cost one commit (one WAL flush) instead of one each.
 *
 * When a group fails, its calls are run again one transaction each, so only the call that fails fails. Use it
 * for short, independent transactions only (the idempotent consumer's "record the event" transactions): a call
 * waits for the others of its group.
 */
export function groupCommit<DB>(db: Database<DB>, options: GroupCommitOptions = {}): Database<DB> {
  const maxGroup = options.maxGroup ?? 100;
  const lanes = options.lanes ?? 4;
  const queue: Job[] = [];
  let active = 0;

  async function alone(job: Job): Promise<void> {
    try {
      job.resolve(
        await db.transaction(async (tx) => {
          const result = await job.fn(tx as never);
          await options.beforeCommit?.(tx as never);
          return result;
        }),
      );
      options.onCommit?.();
    } catch (error) {
      job.reject(error);
    }
  }

  async function lane(): Promise<void> {
    active += 1;
    try {
      while (queue.length > 0) {
        const group = queue.splice(0, maxGroup);
        if (group.length === 1) {
          await alone(group[0]!);
          continue;
        }
        let results: unknown[];
        try {
          results = await db.transaction(async (tx) => {
            const out: unknown[] = [];
            for (const job of group) out.push(await job.fn(tx as never));
            await options.beforeCommit?.(tx as never);
            return out;
          });
        } catch {
          // One call spoiled the group (or the commit failed): each on its own, so only a failing one fails.
          for (const job of group) await alone(job);
          continue;
        }
        group.forEach((job, index) => job.resolve(results[index]));
        options.onCommit?.();
      }
    } finally {
      active -= 1;
    }
  }

  return {
    ...db,
    transaction<R>(fn: Parameters<Database<DB>['transaction']>[0]): Promise<R> {
      return new Promise<R>((resolve, reject) => {
        queue.push({ fn: fn as Job['fn'], resolve: resolve as Job['resolve'], reject });
        if (active < lanes) void lane();
      });
    },
  } as Database<DB>;
}
