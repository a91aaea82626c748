import { z } from 'zod';
import { accessLevel, employeeId } from '@provisio/contracts';
import type { RosterEmployee } from '@provisio/roster';
import { pageQuery } from '../http/cursor.js';

export const employeeSchema = z
  .object({
    id: z.string(),
    firstName: z.string(),
    lastName: z.string(),
    name: z.string().describe('First and last name.'),
    email: z.string(),
    department: z.string().nullable(),
    jobTitle: z.string().nullable(),
    location: z.string().nullable(),
    managerId: z.string().nullable(),
    accessLevel,
    status: z.enum(['active', 'terminated']),
    startDate: z.iso.date(),
    terminationDate: z.iso.date().nullable(),
  })
  .meta({ id: 'Employee' });
export type Employee = z.infer<typeof employeeSchema>;

/** The short form lists embed. */
export const employeeSummarySchema = z.object({
  id: z.string(),
  name: z.string(),
  email: z.string(),
  department: z.string().nullable(),
  jobTitle: z.string().nullable(),
  status: z.enum(['active', 'terminated']),
});

export const fullName = (employee: Pick<RosterEmployee, 'firstName' | 'lastName'>) => `${employee.firstName} ${employee.lastName}`;

export function toEmployee(employee: RosterEmployee): Employee {
  const { companyId: _companyId, ...fields } = employee;
  return { ...fields, name: fullName(employee) };
}

export const employeeParams = z.strictObject({ employeeId });

export const employeeListQuery = z.strictObject({
  ...pageQuery,
  q: z.string().trim().min(1).max(200).optional().describe('Part of the name or email.'),
  status: z.enum(['active', 'terminated']).optional(),
  department: z.string().min(1).max(200).optional(),
  accessLevel: z.enum(['admin', 'manager', 'employee']).optional().describe('Only people with this access level (admin: the possible assignees).'),
});

export const employeeListSchema = z.object({ items: z.array(employeeSchema), nextCursor: z.string().nullable() });
