import type { Transaction } from 'kysely';
import { accountStatusChanged } from '@provisio/contracts';
import type { Consumer } from '@provisio/messaging';
import type { NotificationsDb } from '../tables.js';
import type { StackingRepository } from './stacking-repository.js';

/**
 * `account.status_changed` → the stacker's inbox (consumer `notifications-accounts` on ACCOUNTS). The consumer
 * only records the event, in the transaction that marks it processed; the stacker applies it right after the
 * commit (see `wakeAfterCommit` in service.ts), together with whatever else is waiting.
 */
export function consumeAccountEvents(consumer: Consumer, repo: Pick<StackingRepository, 'recordEvent'>): Consumer {
  return consumer.on(accountStatusChanged, async (event, tx) => {
    await repo.recordEvent(tx as Transaction<NotificationsDb>, event.data);
  });
}
