import { z } from 'zod';
import { defineEvent } from '@provisio/messaging';
import { companyId, employeeId, isoDate, uuid } from '../ids.js';

/** A termination; `immediate` asks for access to be cut now rather than by the termination date. */
export const employeeTerminated = defineEvent(
  'hr.employee.terminated',
  z.object({
    companyId,
    employeeId,
    terminationDate: isoDate,
    immediate: z.boolean().optional(),
    workflowIds: z.array(uuid).max(100).optional(),
  }),
);
export type EmployeeTerminated = z.infer<typeof employeeTerminated.data>;
