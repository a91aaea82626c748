-- A cancelled run's open and overdue tasks are cancelled with it: left "open", the console showed work that
-- nobody has to do any more (and "overdue" ones looked late for ever).
alter table workflow_tasks drop constraint if exists workflow_tasks_status_check;
alter table workflow_tasks add constraint workflow_tasks_status_check check (status in ('open', 'overdue', 'completed', 'cancelled'));
update workflow_tasks t set status = 'cancelled'
  from workflow_runs r
  where r.id = t.run_id and r.status = 'cancelled' and t.status in ('open', 'overdue');
