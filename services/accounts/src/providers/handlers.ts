import type { Transaction } from 'kysely';
import { providerArchived, providerCreated, providerUpdated, type ProviderSnapshot } from '@provisio/contracts';
import type { CloudEvent, Consumer } from '@provisio/messaging';
import type { AccountsDb } from '../tables.js';
import type { ProviderRepository } from './repository.js';

/**
 * Feeds the provider projection from the `PROVIDERS` stream. Every provider.* event carries the whole
 * snapshot and its version, so the newest version wins whatever the order of arrival.
 */
export function consumeProviders(consumer: Consumer, repo: Pick<ProviderRepository, 'save'>): Consumer {
  const handler = async (event: CloudEvent<ProviderSnapshot>, tx: Transaction<unknown>) => {
    await repo.save(tx as Transaction<AccountsDb>, event.data);
  };
  return consumer.on(providerCreated, handler).on(providerUpdated, handler).on(providerArchived, handler);
}
