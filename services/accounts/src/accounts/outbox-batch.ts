import { sql, type Transaction } from 'kysely';
import { OUTBOX_CHANNEL, type CloudEvent } from '@provisio/messaging';
import { injectTraceContext } from '@provisio/telemetry';

/**
 * `emit()` of @provisio/messaging for many events in one statement: the outbox rows commit with the caller's
 * transaction, in the order given (the relay publishes by `seq`). A batch of 500 account actions would
 * otherwise cost 1,000 round trips. Same table, same columns, same wake-up NOTIFY as `emit()`; it belongs
 * in the messaging lib (as `emitMany`) and should move there.
 */
export async function emitAll(tx: Transaction<unknown>, items: readonly { event: CloudEvent; aggregateId: string }[]): Promise<void> {
  if (items.length === 0) return;
  const traceHeaders: Record<string, string> = {};
  injectTraceContext({ get: (key) => traceHeaders[key] ?? '', set: (key, value) => void (traceHeaders[key] = value) });
  await sql`insert into outbox (event_id, type, aggregate_id, event, trace_headers)
    select v.event_id, v.type, v.aggregate_id, v.event, ${JSON.stringify(traceHeaders)}::jsonb
    from unnest(${items.map((item) => item.event.id)}::text[], ${items.map((item) => item.event.type)}::text[],
      ${items.map((item) => item.aggregateId)}::text[], ${items.map((item) => JSON.stringify(item.event))}::jsonb[])
      with ordinality as v(event_id, type, aggregate_id, event, n)
    order by v.n`.execute(tx);
  await sql`select pg_notify(${OUTBOX_CHANNEL}, '')`.execute(tx);
}
