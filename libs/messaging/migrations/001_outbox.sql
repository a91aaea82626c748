-- Events waiting to be published. A row commits with the business write that caused it; the relay
-- publishes rows in seq order and deletes them once JetStream has acknowledged them.
create table outbox (
  seq bigserial primary key,
  event_id text not null unique,
  type text not null,
  aggregate_id text not null,
  event jsonb not null,
  trace_headers jsonb not null default '{}'::jsonb,
  created_at timestamptz not null default now()
);

-- Events a consumer has applied, recorded in the same transaction as the consumer's writes.
create table processed_events (
  consumer text not null,
  event_key text not null,
  processed_at timestamptz not null default now(),
  primary key (consumer, event_key)
);
