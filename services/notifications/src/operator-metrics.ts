import { sql, type Kysely } from 'kysely';
import type { GaugeDefinition } from '@provisio/telemetry';
import type { NotificationsDb } from './tables.js';

/**
 * What an operator watches in the notifications service, read with a read-only query when metrics are
 * collected (Prometheus: `provisio_notifications_open{read}`). Requests not stacked yet are the accounts consumer's
 * lag (`provisio_consumer_lag{messaging_consumer_group_name="notifications-accounts"}`), requests that could not
 * be stacked its dead letters.
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
  ];
}
