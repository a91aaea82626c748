import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { ProvidersDb, ProvidersTable } from './tables.js';

type Db = Kysely<ProvidersDb> | Transaction<ProvidersDb>;
export type ProviderRow = Selectable<ProvidersTable>;

export interface ProviderPage {
  rows: ProviderRow[];
  hasMore: boolean;
}

/** Keyset position in the name order: (lower(name), id). */
export interface ProviderCursor {
  name: string;
  id: string;
}

export function createProviderRepository() {
  return {
    async findById(db: Db, companyId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<ProviderRow | undefined> {
      let query = db.selectFrom('providers').selectAll().where('company_id', '=', companyId).where('id', '=', id);
      if (options.forUpdate) query = query.forUpdate();
      return query.executeTakeFirst();
    },

    async list(db: Db, companyId: string, options: { limit: number; after?: ProviderCursor | undefined; q?: string | undefined }): Promise<ProviderPage> {
      let query = db
        .selectFrom('providers')
        .selectAll()
        .where('company_id', '=', companyId)
        .where('archived_at', 'is', null)
        .orderBy(sql`lower(name)`)
        .orderBy('id')
        .limit(options.limit + 1);
      if (options.q) query = query.where(sql<boolean>`lower(name) like ${`%${options.q.toLowerCase().replace(/[\\%_]/g, '\\$&')}%`}`);
      if (options.after) {
        const { name, id } = options.after;
        query = query.where(sql<boolean>`(lower(name), id) > (${name}, ${id}::uuid)`);
      }
      const rows = await query.execute();
      return { rows: rows.slice(0, options.limit), hasMore: rows.length > options.limit };
    },

    async insert(tx: Transaction<ProvidersDb>, row: Omit<ProviderRow, 'created_at' | 'updated_at' | 'version' | 'archived_at'>): Promise<ProviderRow> {
      return tx.insertInto('providers').values(row).returningAll().executeTakeFirstOrThrow();
    },

    async update(
      tx: Transaction<ProvidersDb>,
      companyId: string,
      id: string,
      changes: Partial<Omit<ProviderRow, 'company_id' | 'id' | 'created_at' | 'updated_at' | 'version'>>,
    ): Promise<ProviderRow> {
      return tx
        .updateTable('providers')
        .set({ ...changes, updated_at: sql`now()`, version: sql`version + 1` })
        .where('company_id', '=', companyId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },
  };
}
export type ProviderRepository = ReturnType<typeof createProviderRepository>;
