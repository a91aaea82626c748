-- Every HR event received for an employee. The roster row is recomputed from these in their true order
-- (CloudEvent time, else the dates the events carry), so repeats and reordering cannot change the result.
create table roster_events (
  company_id text not null,
  employee_id text not null,
  event_key text not null,
  type text not null,
  effective_at timestamptz not null,
  received_seq bigserial not null,
  data jsonb not null,
  primary key (company_id, employee_id, event_key)
);

-- The roster as the events give it: only people whose hire has been seen.
create table roster_employees (
  company_id text not null,
  id text not null,
  first_name text not null,
  last_name text not null,
  email text not null,
  department text,
  job_title text,
  location text,
  manager_id text,
  access_level text not null check (access_level in ('admin', 'manager', 'employee')),
  status text not null check (status in ('active', 'terminated')),
  start_date date not null,
  termination_date date,
  updated_at timestamptz not null default now(),
  primary key (company_id, id)
);
create index roster_employees_manager on roster_employees (company_id, manager_id);
create index roster_employees_name on roster_employees (company_id, lower(last_name), lower(first_name), id);
