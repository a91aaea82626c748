import type { Transaction } from 'kysely';
import { accountStatusChanged } from '@provisio/contracts';
import type { Consumer } from '@provisio/messaging';
import type { NotificationsDb } from '../tables.js';
import type { Stacker } from './stacker.js';

/**
 * `account.status_changed` → stacked notifications (consumer `notifications-accounts` on ACCOUNTS, in batches:
 * what is waiting is recorded, stacked and marked processed in one transaction).
 */
export function consumeAccountEvents(consumer: Consumer, stacker: Pick<Stacker, 'stack'>): Consumer {
  return consumer.onBatch(accountStatusChanged, async (items, tx) => {
    await stacker.stack(
      tx as Transaction<NotificationsDb>,
      items.map(({ event, span }) => ({ event: event.data, span })),
    );
  });
}
