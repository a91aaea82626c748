import { context, trace, type Context, type Span } from '@opentelemetry/api';
import { sql, type Kysely, type Transaction } from 'kysely';
import { injectTraceContext } from '@provisio/telemetry';
import type { CloudEvent } from './cloudevent.js';

export const OUTBOX_CHANNEL = 'provisio_outbox';

type Executor = Transaction<unknown> | Kysely<unknown>;

function traceHeadersOf(ctx: Context): Record<string, string> {
  const traceHeaders: Record<string, string> = {};
  injectTraceContext({ get: (key) => traceHeaders[key] ?? '', set: (key, value) => void (traceHeaders[key] = value) }, ctx);
  return traceHeaders;
}

export interface OutboxItem {
  event: CloudEvent;
  /** Keeps the events of one record in order. */
  aggregateId: string;
  /** The span whose trace the publish continues; the active one when not given. */
  span?: Span;
}

/**
 * Writes events into the outbox inside the caller's transaction, in the order given: they are published if
 * and only if the business write commits. `aggregateId` keeps the events of one record in order. One
 * statement for any number of events (a batch of 500 account actions is one insert, not 500).
 */
export async function emitMany(tx: Executor, items: readonly OutboxItem[]): Promise<void> {
  if (items.length === 0) return;
  const active = traceHeadersOf(context.active());
  // One JSON parameter for the whole batch (an array of JSON documents would be escaped element by element).
  const rows = items.map((item) => ({
    event: item.event,
    aggregateId: item.aggregateId,
    traceHeaders: item.span ? traceHeadersOf(trace.setSpan(context.active(), item.span)) : active,
  }));
  // One statement: the insert, and the NOTIFY that wakes the relay at commit (a relay that misses it finds the
  // rows at its next poll).
  await sql`with inserted as (
      insert into outbox (event_id, type, aggregate_id, event, trace_headers)
      select v.row -> 'event' ->> 'id', v.row -> 'event' ->> 'type', v.row ->> 'aggregateId', v.row -> 'event', v.row -> 'traceHeaders'
      from jsonb_array_elements(${JSON.stringify(rows)}::jsonb) with ordinality as v(row, n)
      order by v.n
      returning seq)
    select pg_notify(${OUTBOX_CHANNEL}, '') from (select count(*) from inserted) as done`.execute(tx);
}

/** `emitMany` of one event. */
export async function emit(tx: Executor, event: CloudEvent, aggregateId: string): Promise<void> {
  await emitMany(tx, [{ event, aggregateId }]);
}
