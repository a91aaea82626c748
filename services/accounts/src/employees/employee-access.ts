import type { RosterEmployee } from '@provisio/roster';
import { ForbiddenError, NotFoundError, type Principal } from '@provisio/service-kit';

/**
 * Contract section 2: one employee's profile and accounts are readable by admins, by the person, and by
 * their direct manager (role `manager`). Another company's employee was never found: 404.
 */
export function canReadEmployee(principal: Principal, employee: Pick<RosterEmployee, 'id' | 'managerId'>): boolean {
  if (principal.role === 'admin') return true;
  if (principal.role === 'integration') return false;
  if (employee.id === principal.id) return true;
  return principal.role === 'manager' && employee.managerId === principal.id;
}

/** The employee, if the caller may read them: 404 when there is none in the caller's company, else 403. */
export function assertReadable(principal: Principal, employeeId: string, employee: RosterEmployee | undefined): RosterEmployee {
  if (!employee) throw new NotFoundError(`Employee ${employeeId} was not found.`);
  if (!canReadEmployee(principal, employee)) {
    throw new ForbiddenError('You may read only your own profile and, as a manager, those of your direct reports.');
  }
  return employee;
}
