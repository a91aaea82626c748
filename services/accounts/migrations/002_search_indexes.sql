-- The checklist filtered by status reads the matching people straight from this index (no heap visit).
drop index if exists accounts_by_provider_status;
create index accounts_by_provider_status on accounts (company_id, provider_id, status) include (employee_id);

-- Search by part of a name or email (`q`) is `lower(first || ' ' || last || ' ' || email) like '%…%'`. With
-- pg_trgm a trigram index answers it without scanning the roster. The extension is trusted (PostgreSQL 13+),
-- but a server may still refuse it, and PGlite does not bundle it: then the search scans the roster, which
-- stays fast for companies of tens of thousands of people.
do $$
begin
  create extension if not exists pg_trgm;
  execute 'create index roster_employees_search on roster_employees
    using gin (lower(first_name || '' '' || last_name || '' '' || email) gin_trgm_ops)';
exception when others then
  raise notice 'pg_trgm is not available (%); name and email search scans the roster', sqlerrm;
end
$$;
