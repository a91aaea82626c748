-- Trace context kept with work finished later, so one hire stays one trace (issue 8):
-- the inbox row keeps the `traceparent` of the consumer span that recorded it, and the stacker's span for it
-- continues that trace; a notification keeps the `traceparent` of the stacking that opened it, and the
-- gateway's completion of it continues that trace. Null when no telemetry was running.
alter table account_events add column trace_parent text;
alter table notifications add column origin_traceparent text;
