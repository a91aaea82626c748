import { randomUUID } from 'node:crypto';
import { employeeHired, employeeTerminated, type HrEmployee } from '@provisio/contracts';
import { publishEvent, type Broker } from '@provisio/messaging';

let counter = 0;

/** A plausible employee for a test; override what the test is about. */
export function anEmployee(overrides: Partial<HrEmployee> = {}): HrEmployee {
  counter += 1;
  const id = overrides.id ?? `emp-${randomUUID().slice(0, 8)}`;
  return {
    id,
    firstName: `First${counter}`,
    lastName: `Last${counter}`,
    email: `${id}@example.com`,
    department: 'Engineering',
    jobTitle: 'Engineer',
    location: 'Remote',
    managerId: null,
    accessLevel: 'employee',
    startDate: '2026-01-05',
    ...overrides,
  };
}

/** Publishes a hire on the HR stream as another HR system would. */
export async function publishHire(broker: Broker, companyId: string, employee: HrEmployee, extra: { workflowIds?: string[]; time?: Date } = {}) {
  const event = employeeHired.build(
    { companyId, employee, ...(extra.workflowIds ? { workflowIds: extra.workflowIds } : {}) },
    { source: 'test-hris', ...(extra.time ? { time: extra.time } : {}) },
  );
  await publishEvent(broker.js, broker.ns, event);
  return event;
}

export async function publishTermination(broker: Broker, companyId: string, employeeId: string, terminationDate = '2026-06-30', extra: { immediate?: boolean; workflowIds?: string[] } = {}) {
  const event = employeeTerminated.build({ companyId, employeeId, terminationDate, ...extra }, { source: 'test-hris' });
  await publishEvent(broker.js, broker.ns, event);
  return event;
}
