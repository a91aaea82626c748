import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { AccountStatus } from '@provisio/contracts';
import type { Principal } from '@provisio/service-kit';
import { toAccountFields } from '../accounts/schemas.js';
import { decodeCursor, pageOf } from '../http/cursor.js';
import type { AccountsDb } from '../tables.js';
import type { AccessRepository } from './repository.js';

const accessCursor = z.tuple([z.string(), z.string(), z.string(), z.string(), z.uuid()]);
const providerCursor = z.tuple([z.string(), z.uuid()]);
const riskCursor = z.tuple([z.iso.date(), z.string(), z.string(), z.uuid()]);

const dayMs = 24 * 60 * 60 * 1000;

interface PageQuery {
  limit: number;
  cursor?: string | undefined;
}

export interface AccessServiceDeps {
  db: { kysely: Kysely<AccountsDb> };
  access: AccessRepository;
  now?: () => Date;
}

/** Org-wide views for admins (the routes say so): who holds what, counts per provider, risks. */
export function createAccessService({ db, access, now = () => new Date() }: AccessServiceDeps) {
  return {
    async list(
      principal: Principal,
      query: PageQuery & { providerId?: string | undefined; employeeId?: string | undefined; status?: AccountStatus[] | undefined },
    ) {
      const rows = await access.list(
        db.kysely,
        principal.companyId,
        { providerId: query.providerId, employeeId: query.employeeId, statuses: query.status },
        query.limit,
        decodeCursor(accessCursor, query.cursor),
      );
      return pageOf(
        rows,
        query.limit,
        (row) => ({
          employee: {
            id: row.employee_id,
            name: `${row.first_name} ${row.last_name}`,
            email: row.email,
            department: row.department,
            jobTitle: row.job_title,
            status: row.employee_status,
          },
          provider: { id: row.provider_id, name: row.provider_name, logoUrl: row.logo_url },
          providerId: row.provider_id,
          employeeId: row.employee_id,
          ...toAccountFields(row),
        }),
        (row) => [row.last_key, row.first_key, row.employee_id, row.provider_key, row.provider_id],
      );
    },

    async summary(principal: Principal, query: PageQuery & { providerId?: string[] | undefined }) {
      const rows = await access.summary(db.kysely, principal.companyId, { providerIds: query.providerId }, query.limit, decodeCursor(providerCursor, query.cursor));
      return pageOf(
        rows,
        query.limit,
        (row) => ({
          providerId: row.id,
          provider: { id: row.id, name: row.name, logoUrl: row.logo_url },
          counts: {
            provisioningRequested: row.counts?.provisioning_requested ?? 0,
            provisioned: row.counts?.provisioned ?? 0,
            deprovisioningRequested: row.counts?.deprovisioning_requested ?? 0,
            deprovisioned: row.counts?.deprovisioned ?? 0,
          },
        }),
        (row) => [row.name_key, row.id],
      );
    },

    async risks(principal: Principal, query: PageQuery & { providerId?: string | undefined }) {
      const rows = await access.risks(db.kysely, principal.companyId, { providerId: query.providerId }, query.limit, decodeCursor(riskCursor, query.cursor));
      const today = now();
      const todayUtc = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
      return pageOf(
        rows,
        query.limit,
        (row) => {
          const terminationDate = row.termination_date ?? '';
          return {
            employee: { id: row.employee_id, name: `${row.first_name} ${row.last_name}` },
            provider: { id: row.provider_id, name: row.provider_name, logoUrl: row.logo_url },
            providerId: row.provider_id,
            employeeId: row.employee_id,
            terminationDate,
            daysSinceTermination: Math.round((todayUtc - Date.parse(`${terminationDate}T00:00:00Z`)) / dayMs),
            ...toAccountFields(row),
          };
        },
        (row) => [row.termination_date ?? '', row.employee_id, row.provider_key, row.provider_id],
      );
    },
  };
}
export type AccessService = ReturnType<typeof createAccessService>;
