export { hrEmployee, type HrEmployee } from './employee.js';
export { employeeHired, type EmployeeHired } from './employee-hired.js';
export { employeeUpdated, type EmployeeUpdated } from './employee-updated.js';
export { employeeTerminated, type EmployeeTerminated } from './employee-terminated.js';
import { employeeHired } from './employee-hired.js';
import { employeeTerminated } from './employee-terminated.js';
import { employeeUpdated } from './employee-updated.js';

/** The event types other HR systems may publish (stream `HR`, subject = type). */
export const hrEvents = [employeeHired, employeeUpdated, employeeTerminated] as const;
