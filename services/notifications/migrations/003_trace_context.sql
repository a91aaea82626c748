-- Status events are stacked in the transaction of the consumer's batch that receives them: account_events is
-- the history again, not an inbox (002), so its inbox columns go. 002 was replaced before any release, so no
-- deployment has events waiting in that inbox.
drop index if exists account_events_unstacked;
alter table account_events
  drop column received_seq,
  drop column stacked_at,
  drop column stack_attempts,
  drop column stack_error;

-- A notification keeps the trace of the stacking that opened it (W3C traceparent), so the gateway's completion
-- of it continues the hire's trace (issue 8). Null when no telemetry was running.
alter table notifications add column origin_traceparent text;
