import type { Kysely, Selectable, Transaction } from 'kysely';
import type { ProviderSnapshot } from '@provisio/contracts';
import type { AccountsDb, ProvidersTable } from '../tables.js';

type Db = Kysely<AccountsDb> | Transaction<AccountsDb>;
export type ProviderRow = Selectable<ProvidersTable>;

/** The projection of the providers service's providers: names, logos, assignees, archived. */
export function createProviderRepository() {
  return {
    /** Keeps the snapshot if it is newer than the one held; an older or repeated one changes nothing. */
    async save(tx: Transaction<AccountsDb>, snapshot: ProviderSnapshot): Promise<void> {
      const values = {
        company_id: snapshot.companyId,
        id: snapshot.providerId,
        name: snapshot.name,
        logo_url: snapshot.logoUrl,
        provisioning_assignee_id: snapshot.provisioningAssigneeId,
        deprovisioning_assignee_id: snapshot.deprovisioningAssigneeId,
        archived: snapshot.archived,
        version: snapshot.version,
      };
      const { company_id: _c, id: _i, ...changes } = values;
      await tx
        .insertInto('providers')
        .values(values)
        .onConflict((oc) =>
          oc
            .columns(['company_id', 'id'])
            .doUpdateSet({ ...changes, updated_at: new Date() })
            .where('providers.version', '<', snapshot.version),
        )
        .execute();
    },

    async find(db: Db, companyId: string, id: string): Promise<ProviderRow | undefined> {
      return db.selectFrom('providers').selectAll().where('company_id', '=', companyId).where('id', '=', id).executeTakeFirst();
    },

    async findMany(db: Db, companyId: string, ids: readonly string[]): Promise<Map<string, ProviderRow>> {
      if (ids.length === 0) return new Map();
      const rows = await db.selectFrom('providers').selectAll().where('company_id', '=', companyId).where('id', 'in', [...new Set(ids)]).execute();
      return new Map(rows.map((row) => [row.id, row]));
    },
  };
}
export type ProviderRepository = ReturnType<typeof createProviderRepository>;
