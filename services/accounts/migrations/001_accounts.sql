-- The providers of each company as the providers service publishes them (provider.* events). Only the
-- newest `version` of a provider is kept, whatever order its events arrive in.
create table providers (
  company_id text not null,
  id uuid not null,
  name text not null,
  logo_url text,
  provisioning_assignee_id text not null,
  deprovisioning_assignee_id text not null,
  archived boolean not null,
  version integer not null,
  updated_at timestamptz not null default now(),
  primary key (company_id, id)
);
-- The profile's Provisioning section and the summary walk the providers in use by name.
create index providers_in_use_by_name on providers (company_id, lower(name), id) where not archived;

-- One row per (company, provider, employee) once something has happened to that account; no row means
-- `no_account`. A row that returns to `no_account` (a cancelled request) is kept so its `version` keeps
-- growing: consumers of account.status_changed drop events older than the version they hold.
-- Rows change only through the transition function (src/accounts/account-transitions.ts).
create table accounts (
  company_id text not null,
  provider_id uuid not null,
  employee_id text not null,
  status text not null check (status in ('no_account', 'provisioning_requested', 'provisioned', 'deprovisioning_requested', 'deprovisioned')),
  -- The status the open request started from, so cancelling it goes back there.
  requested_from text check (requested_from in ('no_account', 'provisioned', 'deprovisioned')),
  assignee_id text,
  requested_at timestamptz,
  due_at timestamptz,
  note text,
  workflow_run_id uuid,
  workflow_task_id uuid,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  version integer not null check (version > 0),
  primary key (company_id, provider_id, employee_id),
  -- A request is open exactly when the status says so.
  check ((status in ('provisioning_requested', 'deprovisioning_requested')) = (requested_from is not null))
);
-- One employee's accounts (profile, risks, all_with_access, termination).
create index accounts_by_employee on accounts (company_id, employee_id, provider_id);
-- Checklist filtered by a status of one provider.
create index accounts_by_provider_status on accounts (company_id, provider_id, status);
-- Requests opened by a workflow run, for cancelling the run.
create index accounts_by_run on accounts (company_id, workflow_run_id) where workflow_run_id is not null;

-- Every change of an account: who, when, from, to, why, and the workflow run that asked for it.
create table account_history (
  id bigserial primary key,
  company_id text not null,
  provider_id uuid not null,
  employee_id text not null,
  from_status text not null,
  to_status text not null,
  actor_id text not null,
  assignee_id text,
  due_at timestamptz,
  note text,
  reason text,
  workflow_run_id uuid,
  workflow_task_id uuid,
  version integer not null,
  at timestamptz not null default now()
);
create index account_history_by_employee on account_history (company_id, employee_id, id desc);

-- Accounts per (provider, status) except `no_account`, kept in the transaction of every change so the
-- summary (and the gateway's provider counts) never scans the accounts.
create table account_counts (
  company_id text not null,
  provider_id uuid not null,
  status text not null,
  count integer not null,
  primary key (company_id, provider_id, status)
);

-- Runs the workflows service cancelled; a task of such a run that arrives late requests nothing.
create table cancelled_runs (
  company_id text not null,
  run_id uuid not null,
  cancelled_at timestamptz not null default now(),
  primary key (company_id, run_id)
);

-- Roster indexes this service's queries need (the roster tables live in this database).
-- Risks: terminated people, oldest termination first.
create index roster_employees_terminated on roster_employees (company_id, termination_date, id) where status = 'terminated';
create index roster_employees_department on roster_employees (company_id, department);
