create table providers (
  company_id text not null,
  id uuid not null,
  name text not null,
  website text,
  logo_url text,
  provisioning_assignee_id text not null,
  provisioning_instructions text,
  deprovisioning_assignee_id text not null,
  deprovisioning_instructions text,
  created_at timestamptz not null default now(),
  updated_at timestamptz not null default now(),
  archived_at timestamptz,
  version integer not null default 1,
  primary key (company_id, id)
);

-- Names are unique per company among providers in use, whatever their case; an archived name can be reused.
create unique index providers_name_unique on providers (company_id, lower(name)) where archived_at is null;
create index providers_by_name on providers (company_id, lower(name), id) where archived_at is null;
