-- When an assignee stops being an active admin, their open requests move to the providers' assignees: this
-- finds them without reading the company's accounts.
create index accounts_open_by_assignee on accounts (company_id, assignee_id)
  where status in ('provisioning_requested', 'deprovisioning_requested');
