import { sql, type Kysely, type Selectable, type Transaction } from 'kysely';
import type { WorkflowsDb, WorkflowsTable, WorkflowVersionsTable } from '../tables.js';
import type { StoredTask, StoredTrigger, WorkflowKind } from './definition.js';

type Db = Kysely<WorkflowsDb> | Transaction<WorkflowsDb>;
export type WorkflowRow = Selectable<WorkflowsTable>;
export type VersionRow = Selectable<WorkflowVersionsTable>;

/** A workflow with the content of one of its versions. */
export interface WorkflowWithVersion {
  workflow: WorkflowRow;
  version: VersionRow;
}

export interface VersionContent {
  name: string;
  description: string | null;
  tasks: StoredTask[];
  triggers: StoredTrigger[];
}

function contentColumns(content: VersionContent) {
  return {
    name: content.name,
    description: content.description,
    tasks: JSON.stringify(content.tasks),
    triggers: JSON.stringify(content.triggers),
  };
}

export function createDefinitionRepository() {
  async function findVersion(db: Db, companyId: string, workflowId: string, version: number): Promise<VersionRow | undefined> {
    return db
      .selectFrom('workflow_versions')
      .selectAll()
      .where('company_id', '=', companyId)
      .where('workflow_id', '=', workflowId)
      .where('version', '=', version)
      .executeTakeFirst();
  }

  return {
    findVersion,

    async findWorkflow(db: Db, companyId: string, id: string, options: { forUpdate?: boolean } = {}): Promise<WorkflowRow | undefined> {
      let query = db.selectFrom('workflows').selectAll().where('company_id', '=', companyId).where('id', '=', id);
      if (options.forUpdate) query = query.forUpdate();
      return query.executeTakeFirst();
    },

    async listVersions(db: Db, companyId: string, workflowId: string): Promise<VersionRow[]> {
      return db
        .selectFrom('workflow_versions')
        .selectAll()
        .where('company_id', '=', companyId)
        .where('workflow_id', '=', workflowId)
        .orderBy('version', 'desc')
        .execute();
    },

    /** A page of workflows by (lower(name), id), each with its latest version. */
    async list(
      db: Db,
      companyId: string,
      options: { limit: number; after?: [string, string] | undefined; kind?: WorkflowKind | undefined; status?: 'draft' | 'published' | 'archived' | undefined },
    ): Promise<{ rows: WorkflowWithVersion[]; hasMore: boolean }> {
      let query = db
        .selectFrom('workflows')
        .selectAll()
        .where('company_id', '=', companyId)
        .orderBy(sql`lower(name)`)
        .orderBy('id')
        .limit(options.limit + 1);
      if (options.kind) query = query.where('kind', '=', options.kind);
      if (options.status === 'archived') query = query.where('archived_at', 'is not', null);
      if (options.status === 'published') query = query.where('archived_at', 'is', null).where('published_version', 'is not', null);
      if (options.status === 'draft') query = query.where('archived_at', 'is', null).where('published_version', 'is', null);
      if (options.after) {
        const [name, id] = options.after;
        query = query.where(sql<boolean>`(lower(name), id) > (${name}, ${id}::uuid)`);
      }
      const workflows = await query.execute();
      const page = workflows.slice(0, options.limit);
      const versions = page.length
        ? await db
            .selectFrom('workflow_versions as v')
            .innerJoin('workflows as w', (join) =>
              join.onRef('w.company_id', '=', 'v.company_id').onRef('w.id', '=', 'v.workflow_id').onRef('w.latest_version', '=', 'v.version'),
            )
            .selectAll('v')
            .where('v.company_id', '=', companyId)
            .where('v.workflow_id', 'in', page.map((row) => row.id))
            .execute()
        : [];
      const byId = new Map(versions.map((row) => [row.workflow_id, row]));
      return {
        rows: page.map((workflow) => ({ workflow, version: byId.get(workflow.id)! })),
        hasMore: workflows.length > options.limit,
      };
    },

    /** The workflows that can start runs (published, not archived), with the published version's content. */
    async findTriggering(db: Db, companyId: string, kind: WorkflowKind): Promise<WorkflowWithVersion[]> {
      const rows = await db
        .selectFrom('workflows as w')
        .innerJoin('workflow_versions as v', (join) =>
          join.onRef('v.company_id', '=', 'w.company_id').onRef('v.workflow_id', '=', 'w.id').onRef('v.version', '=', 'w.published_version'),
        )
        .selectAll('w')
        .select([
          'v.version as v_version',
          'v.name as v_name',
          'v.description as v_description',
          'v.tasks as v_tasks',
          'v.triggers as v_triggers',
          'v.created_by as v_created_by',
          'v.created_at as v_created_at',
          'v.updated_at as v_updated_at',
          'v.published_at as v_published_at',
          'v.published_by as v_published_by',
        ])
        .where('w.company_id', '=', companyId)
        .where('w.kind', '=', kind)
        .where('w.archived_at', 'is', null)
        .where('w.published_version', 'is not', null)
        .orderBy('w.id')
        .execute();
      return rows.map((row) => ({
        workflow: {
          company_id: row.company_id,
          id: row.id,
          kind: row.kind,
          name: row.name,
          latest_version: row.latest_version,
          published_version: row.published_version,
          created_by: row.created_by,
          created_at: row.created_at,
          updated_at: row.updated_at,
          archived_at: row.archived_at,
        },
        version: {
          company_id: row.company_id,
          workflow_id: row.id,
          version: row.v_version,
          name: row.v_name,
          description: row.v_description,
          tasks: row.v_tasks,
          triggers: row.v_triggers,
          created_by: row.v_created_by,
          created_at: row.v_created_at,
          updated_at: row.v_updated_at,
          published_at: row.v_published_at,
          published_by: row.v_published_by,
        },
      }));
    },

    async insertWorkflow(
      tx: Transaction<WorkflowsDb>,
      row: { company_id: string; id: string; kind: WorkflowKind; created_by: string },
      content: VersionContent,
    ): Promise<WorkflowWithVersion> {
      const workflow = await tx
        .insertInto('workflows')
        .values({ ...row, name: content.name, latest_version: 1, published_version: null, archived_at: null })
        .returningAll()
        .executeTakeFirstOrThrow();
      const version = await tx
        .insertInto('workflow_versions')
        .values({ company_id: row.company_id, workflow_id: row.id, version: 1, created_by: row.created_by, published_at: null, published_by: null, ...contentColumns(content) })
        .returningAll()
        .executeTakeFirstOrThrow();
      return { workflow, version };
    },

    async insertVersion(tx: Transaction<WorkflowsDb>, companyId: string, workflowId: string, version: number, createdBy: string, content: VersionContent): Promise<VersionRow> {
      return tx
        .insertInto('workflow_versions')
        .values({ company_id: companyId, workflow_id: workflowId, version, created_by: createdBy, published_at: null, published_by: null, ...contentColumns(content) })
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async updateVersionContent(tx: Transaction<WorkflowsDb>, companyId: string, workflowId: string, version: number, content: VersionContent): Promise<VersionRow> {
      return tx
        .updateTable('workflow_versions')
        .set({ ...contentColumns(content), updated_at: sql`now()` })
        .where('company_id', '=', companyId)
        .where('workflow_id', '=', workflowId)
        .where('version', '=', version)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async markVersionPublished(tx: Transaction<WorkflowsDb>, companyId: string, workflowId: string, version: number, publishedBy: string): Promise<VersionRow> {
      return tx
        .updateTable('workflow_versions')
        .set({ published_at: sql`now()`, published_by: publishedBy })
        .where('company_id', '=', companyId)
        .where('workflow_id', '=', workflowId)
        .where('version', '=', version)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    async updateWorkflow(
      tx: Transaction<WorkflowsDb>,
      companyId: string,
      id: string,
      changes: Partial<Pick<WorkflowRow, 'name' | 'kind' | 'latest_version' | 'published_version' | 'archived_at'>>,
    ): Promise<WorkflowRow> {
      return tx
        .updateTable('workflows')
        .set({ ...changes, updated_at: sql`now()` })
        .where('company_id', '=', companyId)
        .where('id', '=', id)
        .returningAll()
        .executeTakeFirstOrThrow();
    },

    /** Providers of the company among `ids` as the projection knows them. */
    async findProviders(db: Db, companyId: string, ids: string[]): Promise<{ id: string; archived: boolean }[]> {
      if (ids.length === 0) return [];
      return db.selectFrom('provider_projection').select(['id', 'archived']).where('company_id', '=', companyId).where('id', 'in', ids).execute();
    },
  };
}
export type DefinitionRepository = ReturnType<typeof createDefinitionRepository>;
