-- account_events becomes the inbox of the stacker: the consumer only records an event (cheap, no lock), and
-- the stacker applies what is not stacked yet in batches, one transaction per batch.
alter table account_events
  add column received_seq bigserial,
  add column stacked_at timestamptz,
  add column stack_attempts integer not null default 0,
  add column stack_error text;
update account_events set stacked_at = now();
create index account_events_unstacked on account_events (received_seq) where stacked_at is null;
