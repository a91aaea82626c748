import type { Generated } from 'kysely';

export interface RosterEventsTable {
  company_id: string;
  employee_id: string;
  event_key: string;
  type: string;
  effective_at: Date;
  received_seq: Generated<number>;
  data: unknown;
}

export interface RosterEmployeesTable {
  company_id: string;
  id: string;
  first_name: string;
  last_name: string;
  email: string;
  department: string | null;
  job_title: string | null;
  location: string | null;
  manager_id: string | null;
  access_level: 'admin' | 'manager' | 'employee';
  status: 'active' | 'terminated';
  start_date: string;
  termination_date: string | null;
  updated_at: Generated<Date>;
}

/** The tables this lib owns in a service's database; a service's own DB type extends it. */
export interface RosterTables {
  roster_events: RosterEventsTable;
  roster_employees: RosterEmployeesTable;
}
