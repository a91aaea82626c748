import { z } from 'zod';
import { defineEvent } from '@provisio/messaging';
import { companyId } from '../ids.js';
import { hrEmployee } from './employee.js';

/** Changed fields of an employee; `id` is the only required one. */
export const employeeUpdated = defineEvent(
  'hr.employee.updated',
  z.object({
    companyId,
    employee: hrEmployee.partial().required({ id: true }),
  }),
);
export type EmployeeUpdated = z.infer<typeof employeeUpdated.data>;
