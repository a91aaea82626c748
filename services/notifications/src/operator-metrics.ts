import { sql, type Kysely } from 'kysely';
import type { GaugeDefinition } from '@provisio/telemetry';
import { MAX_STACK_ATTEMPTS } from './stacking/stacking-repository.js';
import type { NotificationsDb } from './tables.js';

/**
 * What an operator watches in the notifications service, read with a read-only query when metrics are
 * collected (Prometheus: `provisio_notifications_open{read}`, `provisio_notifications_stacking_backlog{state}`).
 */
export function notificationsGauges(db: Kysely<NotificationsDb>): GaugeDefinition[] {
  return [
    {
      name: 'provisio.notifications.open',
      description: 'Open notifications (requests still waiting for their assignee), read or not.',
      unit: '{notification}',
      async read() {
        const { rows } = await sql<{ read: boolean; count: number }>`
          select read, count(*)::int as count from notifications where state = 'open' group by read`.execute(db);
        const byRead = new Map(rows.map((row) => [row.read, row.count]));
        return [true, false].map((read) => ({ value: byRead.get(read) ?? 0, attributes: { read: String(read) } }));
      },
    },
    {
      name: 'provisio.notifications.stacking_backlog',
      description:
        'Status events recorded but not stacked into notifications yet (waiting), and those left aside after repeated failures (parked; see account_events.stack_error).',
      unit: '{event}',
      async read() {
        const { rows } = await sql<{ waiting: number; parked: number }>`
          select count(*) filter (where stack_attempts < ${MAX_STACK_ATTEMPTS})::int as waiting,
                 count(*) filter (where stack_attempts >= ${MAX_STACK_ATTEMPTS})::int as parked
          from account_events where stacked_at is null`.execute(db);
        return [
          { value: rows[0]?.waiting ?? 0, attributes: { state: 'waiting' } },
          { value: rows[0]?.parked ?? 0, attributes: { state: 'parked' } },
        ];
      },
    },
  ];
}
