import { z } from 'zod';
import { defineEvent } from '@provisio/messaging';
import { companyId, uuid } from '../ids.js';
import { hrEmployee } from './employee.js';

/** A hire (or a rehire, for a terminated employee). `workflowIds`: the hiring template's chosen workflows. */
export const employeeHired = defineEvent(
  'hr.employee.hired',
  z.object({
    companyId,
    employee: hrEmployee,
    workflowIds: z.array(uuid).max(100).optional(),
  }),
);
export type EmployeeHired = z.infer<typeof employeeHired.data>;
