-- Workflow definitions. The row holds what every version shares (kind, lifecycle); the content lives in
-- workflow_versions. `latest_version` is the one an admin edits; `published_version` the one that triggers.
create table workflows (
  company_id text not null,
  id uuid not null,
  kind text not null check (kind in ('provisioning', 'deprovisioning')),
  -- The latest version's name, kept here so that names are unique per company (among workflows in use).
  name text not null,
  latest_version integer not null,
  published_version integer,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  archived_at timestamptz,
  primary key (company_id, id)
);
create unique index workflows_name_unique on workflows (company_id, lower(name)) where archived_at is null;
create index workflows_by_name on workflows (company_id, lower(name), id);
create index workflows_triggering on workflows (company_id, kind) where published_version is not null and archived_at is null;

-- Every version of a workflow. A published version is never changed: an edit makes the next version.
create table workflow_versions (
  company_id text not null,
  workflow_id uuid not null,
  version integer not null,
  name text not null,
  description text,
  tasks jsonb not null,
  triggers jsonb not null,
  created_by text not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  published_at timestamptz,
  published_by text,
  primary key (company_id, workflow_id, version),
  foreign key (company_id, workflow_id) references workflows (company_id, id)
);

-- Providers as the providers service announces them (provider.* events), to check references at save.
create table provider_projection (
  company_id text not null,
  id uuid not null,
  name text not null,
  archived boolean not null,
  version integer not null,
  updated_at timestamptz not null default now(),
  primary key (company_id, id)
);

-- One run of one workflow version for one employee. A workflow runs at most once per trigger event and
-- employee: `trigger_key` is the HR event's key (source#id), or `manual:<run id>` for a run started by hand.
create table workflow_runs (
  id uuid primary key,
  company_id text not null,
  workflow_id uuid not null,
  workflow_version integer not null,
  workflow_name text not null,
  kind text not null check (kind in ('provisioning', 'deprovisioning')),
  employee_id text not null,
  trigger text not null check (trigger in ('hire', 'termination', 'manual')),
  trigger_key text not null,
  status text not null default 'running' check (status in ('running', 'completed', 'cancelled')),
  started_by text not null,
  -- Milliseconds, as the list cursor carries them.
  started_at timestamptz not null default date_trunc('milliseconds', now()),
  completed_at timestamptz,
  cancelled_at timestamptz,
  cancelled_by text,
  foreign key (company_id, workflow_id, workflow_version) references workflow_versions (company_id, workflow_id, version)
);
create unique index workflow_runs_once on workflow_runs (company_id, workflow_id, trigger_key, employee_id);
create index workflow_runs_by_employee on workflow_runs (company_id, employee_id, started_at desc, id desc);
create index workflow_runs_by_start on workflow_runs (company_id, started_at desc, id desc);

-- The tasks of a run. `answered_at`: the accounts service answered `workflow.task.started` with its items.
create table workflow_tasks (
  id uuid primary key,
  company_id text not null,
  run_id uuid not null references workflow_runs (id),
  position integer not null,
  title text not null,
  action text not null check (action in ('provision', 'deprovision')),
  providers jsonb not null,
  assignee_id text,
  due_at timestamptz,
  status text not null default 'open' check (status in ('open', 'overdue', 'completed')),
  answered_at timestamptz,
  overdue_at timestamptz,
  completed_at timestamptz,
  unique (run_id, position)
);
create index workflow_tasks_due on workflow_tasks (due_at) where status = 'open' and due_at is not null;

-- One provider of one task. `answer_state`/`answer_version`: the accounts service's starting state and the
-- account's version right after the request (null until it answered). `state` is derived from them and
-- account_facts (see item-state.ts), never set by an event directly.
create table workflow_task_items (
  task_id uuid not null references workflow_tasks (id),
  provider_id uuid not null,
  company_id text not null,
  run_id uuid not null,
  employee_id text not null,
  action text not null check (action in ('provision', 'deprovision')),
  answer_state text check (answer_state in ('pending', 'done', 'skipped')),
  answer_version integer,
  state text not null default 'pending' check (state in ('pending', 'done', 'skipped')),
  updated_at timestamptz not null default now(),
  primary key (task_id, provider_id)
);
create index workflow_task_items_by_account on workflow_task_items (company_id, provider_id, employee_id);

-- What is known of each account (provider x employee) from account.* events, folded with max() so that the
-- order and repetition of events do not matter: the latest status by version, and the latest versions at
-- which the account reached each target and at which a request of each direction ended without being done.
create table account_facts (
  company_id text not null,
  provider_id uuid not null,
  employee_id text not null,
  status text not null,
  version integer not null,
  provisioned_version integer not null default 0,
  deprovisioned_version integer not null default 0,
  provision_request_ended_version integer not null default 0,
  deprovision_request_ended_version integer not null default 0,
  updated_at timestamptz not null default now(),
  primary key (company_id, provider_id, employee_id)
);
