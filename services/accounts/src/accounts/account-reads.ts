import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { AccountStatus } from '@provisio/contracts';
import { NotFoundError, type Principal } from '@provisio/service-kit';
import type { EmployeeService } from '../employees/employee-service.js';
import { decodeCursor, pageOf } from '../http/cursor.js';
import type { ProviderRepository } from '../providers/repository.js';
import type { AccountsDb } from '../tables.js';
import type { AccountReadRepository } from './read-repository.js';
import { toAccountFields } from './schemas.js';

const nameCursor = z.tuple([z.string(), z.string(), z.string()]);
const providerCursor = z.tuple([z.string(), z.uuid()]);
const historyCursor = z.tuple([z.number().int().positive()]);

const iso = (value: Date | string | null) => (value === null ? null : new Date(value).toISOString());

export interface AccountReadsDeps {
  db: { kysely: Kysely<AccountsDb> };
  reads: AccountReadRepository;
  providers: Pick<ProviderRepository, 'find'>;
  employees: Pick<EmployeeService, 'readable'>;
}

interface PageQuery {
  limit: number;
  cursor?: string | undefined;
}

/** The account views: a provider's checklist, an employee's Provisioning section and history. */
export function createAccountReads({ db, reads, providers, employees }: AccountReadsDeps) {
  return {
    /** Admins only (the route says so). An archived or unknown provider has no checklist: 404. */
    async checklist(
      principal: Principal,
      providerId: string,
      query: PageQuery & { status?: AccountStatus[] | undefined; q?: string | undefined; department?: string | undefined },
    ) {
      const after = decodeCursor(nameCursor, query.cursor);
      // Both at once: the page is thrown away if the provider turns out not to be the caller's.
      const [provider, rows] = await Promise.all([
        providers.find(db.kysely, principal.companyId, providerId),
        reads.checklist(db.kysely, principal.companyId, providerId, { statuses: query.status, q: query.q, department: query.department }, query.limit, after),
      ]);
      if (!provider || provider.archived) throw new NotFoundError(`Provider ${providerId} was not found.`);
      return pageOf(
        rows,
        query.limit,
        (row) => ({
          employee: {
            id: row.id,
            name: `${row.first_name} ${row.last_name}`,
            email: row.email,
            department: row.department,
            jobTitle: row.job_title,
            status: row.employee_status,
          },
          providerId,
          employeeId: row.id,
          ...toAccountFields(row),
        }),
        (row) => [row.last_key, row.first_key, row.id],
      );
    },

    /** The profile's Provisioning section: every provider in use, `no_account` ones included. */
    async employeeAccounts(principal: Principal, employeeId: string, query: PageQuery & { status?: AccountStatus[] | undefined }) {
      const after = decodeCursor(providerCursor, query.cursor);
      // Both at once: the page is thrown away if the caller may not read this employee.
      const [, rows] = await Promise.all([
        employees.readable(principal, employeeId),
        reads.employeeAccounts(db.kysely, principal.companyId, employeeId, { statuses: query.status }, query.limit, after),
      ]);
      return pageOf(
        rows,
        query.limit,
        (row) => ({
          provider: { id: row.provider_id, name: row.name, logoUrl: row.logo_url },
          providerId: row.provider_id,
          employeeId,
          ...toAccountFields(row),
        }),
        (row) => [row.name_key, row.provider_id],
      );
    },

    /** Every status change of the employee's accounts, newest first. */
    async history(principal: Principal, employeeId: string, query: PageQuery) {
      const before = decodeCursor(historyCursor, query.cursor);
      const [, rows] = await Promise.all([
        employees.readable(principal, employeeId),
        reads.history(db.kysely, principal.companyId, employeeId, query.limit, before?.[0]),
      ]);
      return pageOf(
        rows,
        query.limit,
        (row) => ({
          id: String(row.id),
          at: new Date(row.at).toISOString(),
          providerId: row.provider_id,
          providerName: row.provider_name,
          from: row.from_status,
          to: row.to_status,
          actorId: row.actor_id,
          assigneeId: row.assignee_id,
          dueAt: iso(row.due_at),
          note: row.note,
          reason: row.reason,
          workflowRunId: row.workflow_run_id,
          workflowTaskId: row.workflow_task_id,
          version: row.version,
        }),
        (row) => [Number(row.id)],
      );
    },
  };
}
export type AccountReads = ReturnType<typeof createAccountReads>;
