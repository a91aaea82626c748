import { z } from 'zod';
import { accessLevel, employeeId, isoDate } from '../ids.js';

/** The employee record other HR systems send, as in contract section 4. */
export const hrEmployee = z.object({
  id: employeeId,
  firstName: z.string().min(1).max(200),
  lastName: z.string().min(1).max(200),
  email: z.email().max(320),
  department: z.string().max(200).nullish(),
  jobTitle: z.string().max(200).nullish(),
  location: z.string().max(200).nullish(),
  managerId: employeeId.nullish(),
  accessLevel,
  startDate: isoDate,
});
export type HrEmployee = z.infer<typeof hrEmployee>;
