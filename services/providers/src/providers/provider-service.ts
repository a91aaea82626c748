import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { providerArchived, providerCreated, providerUpdated, type ProviderSnapshot } from '@provisio/contracts';
import { isUniqueViolation } from '@provisio/db';
import { emit, type EventDefinition } from '@provisio/messaging';
import { ConflictError, InvalidReferenceError, NotFoundError, type Principal } from '@provisio/service-kit';
import type { z } from 'zod';
import { decodeCursor, encodeCursor } from './cursor.js';
import type { ProviderRepository, ProviderRow } from './repository.js';
import type { CreateProviderBody, PatchProviderBody, Provider } from './schemas.js';
import type { ProvidersDb } from './tables.js';

export const EVENT_SOURCE = 'provisio/providers';

export interface ProviderServiceDeps {
  db: { kysely: Kysely<ProvidersDb>; transaction<R>(fn: (tx: Transaction<ProvidersDb>) => Promise<R>): Promise<R> };
  repo: ProviderRepository;
  /** Assignees must be Full Access Admins: active, `accessLevel: admin`, in the roster projection. */
  isActiveAdmin(db: Transaction<ProvidersDb>, companyId: string, employeeId: string): Promise<boolean>;
}

export function toProvider(row: ProviderRow): Provider {
  return {
    id: row.id,
    name: row.name,
    website: row.website,
    logoUrl: row.logo_url,
    provisioning: { assigneeId: row.provisioning_assignee_id, instructions: row.provisioning_instructions },
    deprovisioning: { assigneeId: row.deprovisioning_assignee_id, instructions: row.deprovisioning_instructions },
    archived: row.archived_at !== null,
    createdAt: new Date(row.created_at).toISOString(),
    updatedAt: new Date(row.updated_at).toISOString(),
    version: row.version,
  };
}

function snapshot(row: ProviderRow): ProviderSnapshot {
  return {
    companyId: row.company_id,
    providerId: row.id,
    name: row.name,
    logoUrl: row.logo_url,
    provisioningAssigneeId: row.provisioning_assignee_id,
    deprovisioningAssigneeId: row.deprovisioning_assignee_id,
    archived: row.archived_at !== null,
    version: row.version,
  };
}

async function emitSnapshot(tx: Transaction<ProvidersDb>, definition: EventDefinition<string, z.ZodType<ProviderSnapshot>>, row: ProviderRow) {
  await emit(tx as Transaction<unknown>, definition.build(snapshot(row), { source: EVENT_SOURCE, subject: row.id }), row.id);
}

const nameTaken = (name: string) => new ConflictError(`A provider named "${name}" already exists; choose another name.`);

/** Providers (the apps) of a company and who is assigned to provision and deprovision their accounts. */
export function createProviderService({ db, repo, isActiveAdmin }: ProviderServiceDeps) {
  async function checkAssignees(tx: Transaction<ProvidersDb>, companyId: string, assignees: { path: string; id: string | undefined }[]) {
    const wrong: { path: string; message: string }[] = [];
    for (const { path, id } of assignees) {
      if (id !== undefined && !(await isActiveAdmin(tx, companyId, id))) {
        wrong.push({ path, message: `employee ${id} is not an active Full Access Admin of this company` });
      }
    }
    if (wrong.length > 0) {
      throw new InvalidReferenceError('Assignees must be active Full Access Admins of the company; pick another assignee.', wrong);
    }
  }

  return {
    async create(principal: Principal, body: CreateProviderBody): Promise<Provider> {
      try {
        return await db.transaction(async (tx) => {
          await checkAssignees(tx, principal.companyId, [
            { path: 'provisioning.assigneeId', id: body.provisioning.assigneeId },
            { path: 'deprovisioning.assigneeId', id: body.deprovisioning.assigneeId },
          ]);
          const row = await repo.insert(tx, {
            company_id: principal.companyId,
            id: randomUUID(),
            name: body.name,
            website: body.website ?? null,
            logo_url: body.logoUrl ?? null,
            provisioning_assignee_id: body.provisioning.assigneeId,
            provisioning_instructions: body.provisioning.instructions ?? null,
            deprovisioning_assignee_id: body.deprovisioning.assigneeId,
            deprovisioning_instructions: body.deprovisioning.instructions ?? null,
          });
          await emitSnapshot(tx, providerCreated, row);
          return toProvider(row);
        });
      } catch (error) {
        if (isUniqueViolation(error, 'providers_name_unique')) throw nameTaken(body.name);
        throw error;
      }
    },

    async list(principal: Principal, query: { limit: number; cursor?: string | undefined; q?: string | undefined }) {
      const page = await repo.list(db.kysely, principal.companyId, { limit: query.limit, after: decodeCursor(query.cursor), q: query.q });
      const last = page.rows.at(-1);
      return {
        items: page.rows.map(toProvider),
        nextCursor: page.hasMore && last ? encodeCursor({ name: last.name.toLowerCase(), id: last.id }) : null,
      };
    },

    async get(principal: Principal, id: string): Promise<Provider> {
      const row = await repo.findById(db.kysely, principal.companyId, id);
      if (!row) throw new NotFoundError(`Provider ${id} was not found.`);
      return toProvider(row);
    },

    /** Partial update; `expectedVersion` (from If-Match) refuses a change made on a stale copy. */
    async patch(principal: Principal, id: string, body: PatchProviderBody, expectedVersion?: number): Promise<Provider> {
      try {
        return await db.transaction(async (tx) => {
          const current = await repo.findById(tx, principal.companyId, id, { forUpdate: true });
          if (!current) throw new NotFoundError(`Provider ${id} was not found.`);
          if (current.archived_at) throw new ConflictError('This provider is archived and can no longer be changed.');
          if (expectedVersion !== undefined && expectedVersion !== current.version) {
            throw new ConflictError(`The provider changed since version ${expectedVersion} (now ${current.version}); reload it and retry.`);
          }
          await checkAssignees(tx, principal.companyId, [
            { path: 'provisioning.assigneeId', id: body.provisioning?.assigneeId },
            { path: 'deprovisioning.assigneeId', id: body.deprovisioning?.assigneeId },
          ]);
          const row = await repo.update(tx, principal.companyId, id, {
            ...(body.name !== undefined && { name: body.name }),
            ...(body.website !== undefined && { website: body.website }),
            ...(body.logoUrl !== undefined && { logo_url: body.logoUrl }),
            ...(body.provisioning?.assigneeId !== undefined && { provisioning_assignee_id: body.provisioning.assigneeId }),
            ...(body.provisioning?.instructions !== undefined && { provisioning_instructions: body.provisioning.instructions }),
            ...(body.deprovisioning?.assigneeId !== undefined && { deprovisioning_assignee_id: body.deprovisioning.assigneeId }),
            ...(body.deprovisioning?.instructions !== undefined && { deprovisioning_instructions: body.deprovisioning.instructions }),
          });
          await emitSnapshot(tx, providerUpdated, row);
          return toProvider(row);
        });
      } catch (error) {
        if (isUniqueViolation(error, 'providers_name_unique')) throw nameTaken(body.name ?? '');
        throw error;
      }
    },

    /** Archives: the provider leaves lists and can no longer be picked; its accounts' history stays. */
    async archive(principal: Principal, id: string): Promise<void> {
      await db.transaction(async (tx) => {
        const current = await repo.findById(tx, principal.companyId, id, { forUpdate: true });
        if (!current) throw new NotFoundError(`Provider ${id} was not found.`);
        if (current.archived_at) return;
        const row = await repo.update(tx, principal.companyId, id, { archived_at: new Date() });
        await emitSnapshot(tx, providerArchived, row);
      });
    },
  };
}
export type ProviderService = ReturnType<typeof createProviderService>;
