import type { Transaction } from 'kysely';
import { accountStatusChanged } from '@provisio/contracts';
import type { Consumer, ConsumerLogger } from '@provisio/messaging';
import type { NotificationsDb } from '../tables.js';
import type { StackingService } from './stacking-service.js';

/** `account.status_changed` → stacked notification items (consumer `notifications-accounts` on ACCOUNTS). */
export function consumeAccountEvents(consumer: Consumer, stacking: StackingService, logger: ConsumerLogger): Consumer {
  return consumer.on(accountStatusChanged, async (event, tx) => {
    const outcomes = await stacking.applyStatusChange(tx as Transaction<NotificationsDb>, event.data);
    if (outcomes.length > 0) {
      logger.debug(
        { employeeId: event.data.employeeId, providerId: event.data.providerId, version: event.data.version, outcomes },
        'account requests stacked',
      );
    }
  });
}
