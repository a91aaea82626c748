import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { isUniqueViolation } from '@provisio/db';
import { ConflictError, InvalidReferenceError, NotFoundError, ValidationFailedError, type Principal } from '@provisio/service-kit';
import { decodeCursor, encodeCursor } from '../cursor.js';
import type { WorkflowsDb } from '../tables.js';
import {
  defaultTaskTitle,
  definitionIssues,
  definitionReferences,
  type DefinitionContent,
  type StoredTask,
  type StoredTrigger,
  type WorkflowKind,
} from './definition.js';
import type { DefinitionRepository, VersionContent, VersionRow, WorkflowRow, WorkflowWithVersion } from './repository.js';
import type { CreateWorkflowBody, PatchWorkflowBody, TaskInput, TriggerInput, Workflow, WorkflowDetail, WorkflowListQuery, WorkflowVersion } from './schemas.js';

export interface DefinitionServiceDeps {
  db: { kysely: Kysely<WorkflowsDb>; transaction<R>(fn: (tx: Transaction<WorkflowsDb>) => Promise<R>): Promise<R> };
  repo: DefinitionRepository;
  /** Task assignees must be Full Access Admins: active, `accessLevel: admin`, in the roster projection. */
  isActiveAdmin(tx: Transaction<WorkflowsDb>, companyId: string, employeeId: string): Promise<boolean>;
}

const iso = (value: Date | string) => new Date(value).toISOString();

function statusOf(workflow: WorkflowRow): Workflow['status'] {
  if (workflow.archived_at) return 'archived';
  return workflow.published_version === null ? 'draft' : 'published';
}

function contentOf(version: VersionRow) {
  return { name: version.name, description: version.description, tasks: version.tasks, triggers: version.triggers };
}

export function toWorkflow({ workflow, version }: WorkflowWithVersion): Workflow {
  return {
    id: workflow.id,
    kind: workflow.kind,
    ...contentOf(version),
    status: statusOf(workflow),
    version: workflow.latest_version,
    publishedVersion: workflow.published_version,
    hasUnpublishedChanges: workflow.published_version !== null && workflow.published_version !== workflow.latest_version,
    createdAt: iso(workflow.created_at),
    updatedAt: iso(workflow.updated_at),
  };
}

function toVersion(workflow: WorkflowRow, version: VersionRow): WorkflowVersion {
  return {
    version: version.version,
    status: version.version === workflow.published_version ? 'published' : version.published_at ? 'superseded' : 'draft',
    ...contentOf(version),
    createdAt: iso(version.created_at),
    createdBy: version.created_by,
    publishedAt: version.published_at ? iso(version.published_at) : null,
  };
}

function toTasks(kind: WorkflowKind, tasks: TaskInput[]): StoredTask[] {
  return tasks.map((task, index) => ({
    title: task.title ?? defaultTaskTitle(kind, index),
    providerIds: task.providerIds,
    assigneeId: task.assigneeId ?? null,
    due: task.due ?? null,
  }));
}

function toTriggers(triggers: TriggerInput[]): StoredTrigger[] {
  return triggers.map((trigger) => ({ on: trigger.on, match: trigger.match ?? null }));
}

const nameTaken = (name: string) => new ConflictError(`A workflow named "${name}" already exists; choose another name.`);
const notFound = (id: string) => new NotFoundError(`Workflow ${id} was not found.`);

/** Workflow definitions: drafts, versions, publishing and archiving, with references checked at save. */
export function createDefinitionService({ db, repo, isActiveAdmin }: DefinitionServiceDeps) {
  function validate(content: DefinitionContent): void {
    const issues = definitionIssues(content);
    if (issues.length > 0) throw new ValidationFailedError(issues);
  }

  /** Providers must be known and not archived; assignees active admins (422 INVALID_REFERENCE otherwise). */
  async function checkReferences(tx: Transaction<WorkflowsDb>, companyId: string, content: Pick<DefinitionContent, 'tasks'>): Promise<void> {
    const { providers, assignees } = definitionReferences(content);
    const wrong: { path: string; message: string }[] = [];
    const known = new Map((await repo.findProviders(tx, companyId, [...new Set(providers.map((p) => p.id))])).map((p) => [p.id, p]));
    for (const { path, id } of providers) {
      const provider = known.get(id);
      if (!provider) wrong.push({ path, message: `provider ${id} is not a provider of this company` });
      else if (provider.archived) wrong.push({ path, message: `provider ${id} is archived and can no longer be picked` });
    }
    for (const { path, id } of assignees) {
      if (!(await isActiveAdmin(tx, companyId, id))) wrong.push({ path, message: `employee ${id} is not an active Full Access Admin of this company` });
    }
    if (wrong.length > 0) {
      throw new InvalidReferenceError('The workflow refers to providers or assignees that cannot be used; fix the fields listed in details.', wrong);
    }
  }

  async function withUniqueName<R>(name: string | undefined, work: () => Promise<R>): Promise<R> {
    try {
      return await work();
    } catch (error) {
      if (isUniqueViolation(error, 'workflows_name_unique')) throw nameTaken(name ?? '');
      throw error;
    }
  }

  async function load(tx: Transaction<WorkflowsDb>, companyId: string, id: string): Promise<WorkflowRow> {
    const workflow = await repo.findWorkflow(tx, companyId, id, { forUpdate: true });
    if (!workflow) throw notFound(id);
    return workflow;
  }

  async function latestOf(tx: Transaction<WorkflowsDb> | Kysely<WorkflowsDb>, workflow: WorkflowRow): Promise<VersionRow> {
    const version = await repo.findVersion(tx, workflow.company_id, workflow.id, workflow.latest_version);
    if (!version) throw new Error(`workflow ${workflow.id} has no version ${workflow.latest_version}`);
    return version;
  }

  return {
    async create(principal: Principal, body: CreateWorkflowBody): Promise<Workflow> {
      const content: DefinitionContent = {
        name: body.name,
        kind: body.kind,
        description: body.description ?? null,
        tasks: toTasks(body.kind, body.tasks),
        triggers: toTriggers(body.triggers ?? []),
      };
      validate(content);
      return withUniqueName(body.name, () =>
        db.transaction(async (tx) => {
          await checkReferences(tx, principal.companyId, content);
          const created = await repo.insertWorkflow(tx, { company_id: principal.companyId, id: randomUUID(), kind: body.kind, created_by: principal.id }, content);
          return toWorkflow(created);
        }),
      );
    },

    async list(principal: Principal, query: WorkflowListQuery): Promise<{ items: Workflow[]; nextCursor: string | null }> {
      const after = decodeCursor(query.cursor, 2) as [string, string] | undefined;
      const page = await repo.list(db.kysely, principal.companyId, { limit: query.limit, after, kind: query.kind, status: query.status });
      const last = page.rows.at(-1)?.workflow;
      return {
        items: page.rows.map(toWorkflow),
        nextCursor: page.hasMore && last ? encodeCursor([last.name.toLowerCase(), last.id]) : null,
      };
    },

    async get(principal: Principal, id: string): Promise<WorkflowDetail> {
      const workflow = await repo.findWorkflow(db.kysely, principal.companyId, id);
      if (!workflow) throw notFound(id);
      const versions = await repo.listVersions(db.kysely, principal.companyId, id);
      const latest = versions.find((version) => version.version === workflow.latest_version);
      if (!latest) throw new Error(`workflow ${id} has no version ${workflow.latest_version}`);
      return { ...toWorkflow({ workflow, version: latest }), versions: versions.map((version) => toVersion(workflow, version)) };
    },

    /**
     * Changes the latest version. A version that was ever published is never changed: the edit becomes the
     * next version, a draft, and the published one keeps triggering until this one is published.
     */
    async patch(principal: Principal, id: string, body: PatchWorkflowBody, expectedVersion?: number): Promise<Workflow> {
      return withUniqueName(body.name, () =>
        db.transaction(async (tx) => {
          const workflow = await load(tx, principal.companyId, id);
          if (workflow.archived_at) throw new ConflictError('This workflow is archived and can no longer be changed.');
          if (expectedVersion !== undefined && expectedVersion !== workflow.latest_version) {
            throw new ConflictError(`The workflow changed since version ${expectedVersion} (now ${workflow.latest_version}); reload it and retry.`);
          }
          const latest = await latestOf(tx, workflow);
          const changed = Object.values(body).some((value) => value !== undefined);
          if (!changed) return toWorkflow({ workflow, version: latest });
          const kind = body.kind ?? workflow.kind;
          if (kind !== workflow.kind && workflow.published_version !== null) {
            throw new ConflictError('The kind of a workflow that was published cannot change; create a new workflow instead.');
          }
          const content: DefinitionContent = {
            name: body.name ?? latest.name,
            kind,
            description: body.description !== undefined ? body.description : latest.description,
            tasks: body.tasks ? toTasks(kind, body.tasks) : latest.tasks,
            triggers: body.triggers ? toTriggers(body.triggers) : latest.triggers,
          };
          validate(content);
          await checkReferences(tx, principal.companyId, content);
          const versionContent: VersionContent = { name: content.name, description: content.description, tasks: content.tasks, triggers: content.triggers };
          const version = latest.published_at
            ? await repo.insertVersion(tx, principal.companyId, id, latest.version + 1, principal.id, versionContent)
            : await repo.updateVersionContent(tx, principal.companyId, id, latest.version, versionContent);
          const updated = await repo.updateWorkflow(tx, principal.companyId, id, { name: content.name, kind, latest_version: version.version });
          return toWorkflow({ workflow: updated, version });
        }),
      );
    },

    /** Makes the latest version the one that triggers. Publishing what is already published is a 409. */
    async publish(principal: Principal, id: string): Promise<Workflow> {
      return db.transaction(async (tx) => {
        const workflow = await load(tx, principal.companyId, id);
        if (workflow.archived_at) throw new ConflictError('This workflow is archived and can no longer be published.');
        if (workflow.published_version === workflow.latest_version) {
          throw new ConflictError(`Version ${workflow.latest_version} is already published; edit the workflow to make a new version.`);
        }
        const latest = await latestOf(tx, workflow);
        await checkReferences(tx, principal.companyId, latest);
        const version = await repo.markVersionPublished(tx, principal.companyId, id, latest.version, principal.id);
        const updated = await repo.updateWorkflow(tx, principal.companyId, id, { published_version: latest.version });
        return toWorkflow({ workflow: updated, version });
      });
    },

    /** Archives: the workflow stops triggering and leaves the name free; runs already started go on. */
    async archive(principal: Principal, id: string): Promise<Workflow> {
      return db.transaction(async (tx) => {
        const workflow = await load(tx, principal.companyId, id);
        const latest = await latestOf(tx, workflow);
        if (workflow.archived_at) return toWorkflow({ workflow, version: latest });
        const updated = await repo.updateWorkflow(tx, principal.companyId, id, { archived_at: new Date() });
        return toWorkflow({ workflow: updated, version: latest });
      });
    },
  };
}
export type DefinitionService = ReturnType<typeof createDefinitionService>;
