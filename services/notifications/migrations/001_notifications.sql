-- Every account.status_changed event seen, one row per account version. The requests of an account are
-- recomputed from these in version order, so repeats and reordering cannot change the result.
create table account_events (
  company_id text not null,
  employee_id text not null,
  provider_id uuid not null,
  version integer not null,
  from_status text not null,
  to_status text not null,
  assignee_id text,
  previous_assignee_id text,
  due_at timestamptz,
  at timestamptz not null,
  primary key (company_id, employee_id, provider_id, version)
);

-- One stacked notification of an assignee about one employee.
create table notifications (
  id uuid primary key,
  company_id text not null,
  assignee_id text not null,
  employee_id text not null,
  state text not null check (state in ('open', 'done')),
  read boolean not null default false,
  version integer not null default 1,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  closed_at timestamptz
);
-- The stacking invariant, held by the database: at most one open notification per (company, assignee, employee).
create unique index notifications_one_open on notifications (company_id, assignee_id, employee_id) where state = 'open';
create index notifications_inbox on notifications (company_id, assignee_id, created_at desc, id desc);
create index notifications_unread on notifications (company_id, assignee_id) where state = 'open' and not read;

-- One request of one account (provider × employee) inside a notification. Its version range never overlaps
-- another item of the same account.
create table notification_items (
  id uuid primary key,
  notification_id uuid not null references notifications (id),
  company_id text not null,
  employee_id text not null,
  provider_id uuid not null,
  action text not null check (action in ('provision', 'deprovision')),
  state text not null check (state in ('pending', 'done', 'cancelled')),
  assignee_id text not null,
  due_at timestamptz,
  overdue_at timestamptz,
  first_version integer not null,
  last_version integer not null,
  opened_version integer,
  closed_version integer,
  requested_at timestamptz,
  closed_at timestamptz,
  -- When the request began, by the accounts service's clock (the opening event's time, else the earliest seen).
  since timestamptz not null,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now()
);
create index notification_items_of_notification on notification_items (notification_id, created_at, id);
create index notification_items_of_account on notification_items (company_id, employee_id, provider_id, first_version);

-- Provider names for display, from provider.* snapshots (newest version wins).
create table provider_names (
  company_id text not null,
  id uuid not null,
  name text not null,
  logo_url text,
  archived boolean not null,
  version integer not null,
  primary key (company_id, id)
);
