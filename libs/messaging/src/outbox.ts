import { context } from '@opentelemetry/api';
import { sql, type Kysely, type Transaction } from 'kysely';
import { injectTraceContext } from '@provisio/telemetry';
import type { CloudEvent } from './cloudevent.js';

export const OUTBOX_CHANNEL = 'provisio_outbox';

/**
 * Writes an event into the outbox inside the caller's transaction: it is published if and only if the
 * business write commits. `aggregateId` keeps the events of one record in order.
 */
export async function emit(tx: Transaction<unknown> | Kysely<unknown>, event: CloudEvent, aggregateId: string): Promise<void> {
  const traceHeaders: Record<string, string> = {};
  injectTraceContext(
    { get: (key) => traceHeaders[key] ?? '', set: (key, value) => void (traceHeaders[key] = value) },
    context.active(),
  );
  await sql`insert into outbox (event_id, type, aggregate_id, event, trace_headers)
    values (${event.id}, ${event.type}, ${aggregateId}, ${JSON.stringify(event)}::jsonb, ${JSON.stringify(traceHeaders)}::jsonb)`.execute(tx);
  await sql`select pg_notify(${OUTBOX_CHANNEL}, '')`.execute(tx);
}
