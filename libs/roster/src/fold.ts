import type { EmployeeHired, EmployeeTerminated, EmployeeUpdated } from '@provisio/contracts';

export interface RosterEmployee {
  companyId: string;
  id: string;
  firstName: string;
  lastName: string;
  email: string;
  department: string | null;
  jobTitle: string | null;
  location: string | null;
  managerId: string | null;
  accessLevel: 'admin' | 'manager' | 'employee';
  status: 'active' | 'terminated';
  startDate: string;
  terminationDate: string | null;
}

export type RosterEvent =
  | { type: 'hr.employee.hired'; data: EmployeeHired }
  | { type: 'hr.employee.updated'; data: EmployeeUpdated }
  | { type: 'hr.employee.terminated'; data: EmployeeTerminated };

export interface StoredRosterEvent {
  event: RosterEvent;
  effectiveAt: Date;
  receivedSeq: number;
}

const RANK: Record<RosterEvent['type'], number> = { 'hr.employee.hired': 0, 'hr.employee.updated': 1, 'hr.employee.terminated': 2 };

/** When an event took effect: its CloudEvent time, else the date it carries, else when it was received. */
export function effectiveAt(event: RosterEvent, time: string | undefined, receivedAt: Date): Date {
  if (time) return new Date(time);
  if (event.type === 'hr.employee.hired') return new Date(`${event.data.employee.startDate}T00:00:00Z`);
  if (event.type === 'hr.employee.terminated') return new Date(`${event.data.terminationDate}T00:00:00Z`);
  return receivedAt;
}

/** The employee the events give in their true order; undefined until a hire has been seen. */
export function foldRoster(companyId: string, events: StoredRosterEvent[]): RosterEmployee | undefined {
  const ordered = [...events].sort(
    (a, b) =>
      a.effectiveAt.getTime() - b.effectiveAt.getTime() ||
      RANK[a.event.type] - RANK[b.event.type] ||
      a.receivedSeq - b.receivedSeq,
  );
  let state: RosterEmployee | undefined;
  for (const { event } of ordered) {
    switch (event.type) {
      case 'hr.employee.hired': {
        const e = event.data.employee;
        state = {
          companyId,
          id: e.id,
          firstName: e.firstName,
          lastName: e.lastName,
          email: e.email,
          department: e.department ?? null,
          jobTitle: e.jobTitle ?? null,
          location: e.location ?? null,
          managerId: e.managerId ?? null,
          accessLevel: e.accessLevel,
          status: 'active',
          startDate: e.startDate,
          terminationDate: null,
        };
        break;
      }
      case 'hr.employee.updated': {
        if (!state) break;
        const e = event.data.employee;
        state = {
          ...state,
          ...(e.firstName !== undefined && { firstName: e.firstName }),
          ...(e.lastName !== undefined && { lastName: e.lastName }),
          ...(e.email !== undefined && { email: e.email }),
          ...(e.department !== undefined && { department: e.department ?? null }),
          ...(e.jobTitle !== undefined && { jobTitle: e.jobTitle ?? null }),
          ...(e.location !== undefined && { location: e.location ?? null }),
          ...(e.managerId !== undefined && { managerId: e.managerId ?? null }),
          ...(e.accessLevel !== undefined && { accessLevel: e.accessLevel }),
          ...(e.startDate !== undefined && { startDate: e.startDate }),
        };
        break;
      }
      case 'hr.employee.terminated': {
        if (!state) break;
        state = { ...state, status: 'terminated', terminationDate: event.data.terminationDate };
        break;
      }
    }
  }
  return state;
}
