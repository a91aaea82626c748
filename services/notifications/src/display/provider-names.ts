import { sql, type Transaction } from 'kysely';
import { providerArchived, providerCreated, providerUpdated, type ProviderSnapshot } from '@provisio/contracts';
import type { Consumer } from '@provisio/messaging';
import type { NotificationsDb } from '../tables.js';

/** Keeps the newest snapshot of a provider; an older or repeated one changes nothing. */
export async function applyProviderSnapshot(tx: Transaction<NotificationsDb>, snapshot: ProviderSnapshot): Promise<void> {
  const values = {
    company_id: snapshot.companyId,
    id: snapshot.providerId,
    name: snapshot.name,
    logo_url: snapshot.logoUrl,
    archived: snapshot.archived,
    version: snapshot.version,
  };
  await tx
    .insertInto('provider_names')
    .values(values)
    .onConflict((oc) =>
      oc
        .columns(['company_id', 'id'])
        .doUpdateSet({ name: values.name, logo_url: values.logo_url, archived: values.archived, version: values.version })
        .where('provider_names.version', '<', sql<number>`excluded.version`),
    )
    .execute();
}

/** `provider.*` → provider names shown on items (consumer `notifications-providers` on PROVIDERS). */
export function consumeProviderEvents(consumer: Consumer): Consumer {
  const handler = async (event: { data: ProviderSnapshot }, tx: Transaction<unknown>) =>
    applyProviderSnapshot(tx as Transaction<NotificationsDb>, event.data);
  return consumer.on(providerCreated, handler).on(providerUpdated, handler).on(providerArchived, handler);
}
