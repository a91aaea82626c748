import { z } from 'zod';
import type { Kysely } from 'kysely';
import type { RosterEmployee } from '@provisio/roster';
import { ForbiddenError, type Principal } from '@provisio/service-kit';
import { decodeCursor, pageOf } from '../http/cursor.js';
import type { AccountsDb } from '../tables.js';
import { assertReadable } from './employee-access.js';
import type { EmployeeRepository } from './repository.js';
import { toEmployee, type Employee } from './schemas.js';

const nameCursor = z.tuple([z.string(), z.string(), z.string()]);

export interface EmployeeServiceDeps {
  db: { kysely: Kysely<AccountsDb> };
  employees: Pick<EmployeeRepository, 'find' | 'list'>;
}

/** The roster, read: who works here, as the HR events tell it. */
export function createEmployeeService({ db, employees }: EmployeeServiceDeps) {
  return {
    /** Admins see everyone; managers their direct reports; others may not list. */
    async list(
      principal: Principal,
      query: { limit: number; cursor?: string | undefined; q?: string | undefined; status?: 'active' | 'terminated' | undefined; department?: string | undefined; accessLevel?: 'admin' | 'manager' | 'employee' | undefined },
    ): Promise<{ items: Employee[]; nextCursor: string | null }> {
      if (principal.role !== 'admin' && principal.role !== 'manager') {
        throw new ForbiddenError('Only admins and managers may list employees; read your own profile instead.');
      }
      const rows = await employees.list(
        db.kysely,
        principal.companyId,
        { q: query.q, status: query.status, department: query.department, accessLevel: query.accessLevel, managerId: principal.role === 'manager' ? principal.id : undefined },
        query.limit,
        decodeCursor(nameCursor, query.cursor),
      );
      return pageOf(rows, query.limit, (row) => toEmployee(row.employee), (row) => row.key);
    },

    /** One employee the caller may read (404 when unknown in the caller's company, 403 when not theirs to read). */
    async readable(principal: Principal, employeeId: string): Promise<RosterEmployee> {
      return assertReadable(principal, employeeId, await employees.find(db.kysely, principal.companyId, employeeId));
    },
  };
}
export type EmployeeService = ReturnType<typeof createEmployeeService>;
