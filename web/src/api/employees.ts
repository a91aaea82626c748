import { enc, request } from './http';
import type { Page } from './http';
import type { EmployeeAccount } from './accounts';
import type { WorkflowRun } from './workflow-runs';

export type Role = 'admin' | 'manager' | 'employee';
export type EmployeeStatus = 'active' | 'terminated';

export interface Employee {
  id: string;
  firstName: string;
  lastName: string;
  name: string;
  email: string;
  department: string | null;
  jobTitle: string | null;
  location: string | null;
  managerId: string | null;
  accessLevel: Role;
  status: EmployeeStatus;
  startDate: string | null;
  terminationDate: string | null;
}

export interface EmployeeQuery {
  q?: string;
  status?: EmployeeStatus | '';
  department?: string;
  /** Only people with this access level (`admin`: the possible assignees). */
  accessLevel?: 'admin' | 'manager' | 'employee';
  limit?: number;
  cursor?: string | null;
}

export function listEmployees(query: EmployeeQuery, signal?: AbortSignal): Promise<Page<Employee>> {
  return request('/v1/employees', { query: { ...query }, signal });
}

export function getEmployee(id: string, signal?: AbortSignal): Promise<Employee> {
  return request(`/v1/employees/${enc(id)}`, { signal });
}

export interface EmployeeProfile {
  employee: Employee;
  accounts: EmployeeAccount[];
  workflowRuns: WorkflowRun[];
}

export async function getEmployeeProfile(id: string, signal?: AbortSignal): Promise<EmployeeProfile> {
  const raw = await request<{
    employee: Employee;
    accounts: EmployeeAccount[] | Page<EmployeeAccount>;
    workflowRuns: WorkflowRun[] | Page<WorkflowRun>;
  }>(`/v1/employees/${enc(id)}/profile`, { signal });
  // The contract says "accounts (as above)": accept a bare array or a list page.
  return {
    employee: raw.employee,
    accounts: Array.isArray(raw.accounts) ? raw.accounts : (raw.accounts?.items ?? []),
    workflowRuns: Array.isArray(raw.workflowRuns) ? raw.workflowRuns : (raw.workflowRuns?.items ?? []),
  };
}

/** Active Full Access Admins: the only people who may be assignees (`accessLevel=admin`, 500 a page). */
export async function listActiveAdmins(signal?: AbortSignal): Promise<Employee[]> {
  const admins: Employee[] = [];
  let cursor: string | null = null;
  for (let pageNo = 0; pageNo < 100; pageNo++) {
    const page: Page<Employee> = await listEmployees({ status: 'active', accessLevel: 'admin', limit: 500, cursor }, signal);
    admins.push(...page.items.filter((e) => e.accessLevel === 'admin'));
    cursor = page.nextCursor;
    if (!cursor) break;
  }
  return admins.sort((a, b) => a.name.localeCompare(b.name));
}
