import type { Transaction } from 'kysely';
import { accountStatusChanged, type AccountStatusChanged } from '@provisio/contracts';
import type { Consumer } from '@provisio/messaging';
import { activeTraceparent } from '@provisio/telemetry';
import type { NotificationsDb } from '../tables.js';
import type { RecordedEvent, StackingRepository } from './stacking-repository.js';

/**
 * Collects the status events handled in a transaction and records them with one insert just before it commits
 * (`flush`, the group commit's `beforeCommit`): in the same transaction that marks them processed.
 */
export function createInboxRecorder(repo: Pick<StackingRepository, 'recordEvents'>) {
  const waiting = new WeakMap<object, RecordedEvent[]>();
  return {
    /** Keeps the event with the active trace (the consumer's span), which the stacker's span continues. */
    add(tx: Transaction<NotificationsDb>, event: AccountStatusChanged): void {
      const list = waiting.get(tx) ?? [];
      list.push({ event, traceParent: activeTraceparent() });
      waiting.set(tx, list);
    },
    async flush(tx: Transaction<NotificationsDb>): Promise<void> {
      const list = waiting.get(tx);
      waiting.delete(tx);
      if (list) await repo.recordEvents(tx, list);
    },
  };
}
export type InboxRecorder = ReturnType<typeof createInboxRecorder>;

/**
 * `account.status_changed` → the stacker's inbox (consumer `notifications-accounts` on ACCOUNTS). The consumer
 * only records the event, in the transaction that marks it processed; the stacker applies it right after the
 * commit, together with whatever else is waiting.
 */
export function consumeAccountEvents(consumer: Consumer, recorder: Pick<InboxRecorder, 'add'>): Consumer {
  return consumer.on(accountStatusChanged, async (event, tx) => {
    recorder.add(tx as Transaction<NotificationsDb>, event.data);
  });
}
