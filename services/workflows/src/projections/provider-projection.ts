import { sql, type Transaction } from 'kysely';
import { providerArchived, providerCreated, providerUpdated, type ProviderSnapshot } from '@provisio/contracts';
import type { CloudEvent, Consumer } from '@provisio/messaging';
import type { WorkflowsDb } from '../tables.js';

/** Keeps the newest snapshot of each provider by `version`, so order and repeats do not matter. */
export async function applyProviderSnapshot(tx: Transaction<WorkflowsDb>, snapshot: ProviderSnapshot): Promise<void> {
  await tx
    .insertInto('provider_projection')
    .values({ company_id: snapshot.companyId, id: snapshot.providerId, name: snapshot.name, archived: snapshot.archived, version: snapshot.version })
    .onConflict((oc) =>
      oc
        .columns(['company_id', 'id'])
        .doUpdateSet({ name: sql`excluded.name`, archived: sql`excluded.archived`, version: sql`excluded.version`, updated_at: sql`now()` })
        .where(sql<boolean>`excluded.version > provider_projection.version`),
    )
    .execute();
}

/** The providers the workflows service knows of, from `provider.*` (to check references when a workflow is saved). */
export function consumeProviders(consumer: Consumer): Consumer {
  const handler = async (event: CloudEvent<ProviderSnapshot>, tx: Transaction<unknown>) => applyProviderSnapshot(tx as Transaction<WorkflowsDb>, event.data);
  return consumer.on(providerCreated, handler).on(providerUpdated, handler).on(providerArchived, handler);
}
