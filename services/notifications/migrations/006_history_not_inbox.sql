-- Status events are stacked in the transaction of the consumer's batch that receives them (docs/adr/006):
-- account_events is the accounts' history again, not an inbox, so the inbox columns of 002 and the trace
-- column of 003 go. An event recorded by the old inbox and not stacked yet would be left unstacked: refuse
-- to migrate while there is one (run the previous version until its stacker has emptied the inbox).
do $$
begin
  if exists (select 1 from information_schema.columns where table_schema = current_schema() and table_name = 'account_events' and column_name = 'stacked_at') then
    if exists (select 1 from account_events where stacked_at is null) then
      raise exception 'account_events holds status events not stacked yet; let the previous version stack them before upgrading';
    end if;
  end if;
end $$;
drop index if exists account_events_unstacked;
alter table account_events
  drop column if exists received_seq,
  drop column if exists stacked_at,
  drop column if exists stack_attempts,
  drop column if exists stack_error,
  drop column if exists trace_parent;
