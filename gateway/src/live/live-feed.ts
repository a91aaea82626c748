import type { Subscription } from '@nats-io/transport-node';
import { notificationChanged, type NotificationChanged } from '@provisio/contracts';
import { cloudEventSchema, type Broker } from '@provisio/messaging';

export type LiveListener = (change: NotificationChanged & { eventId: string }) => void;

/**
 * Fans `notification.changed` out to the SSE clients of this gateway instance. Every instance subscribes to
 * the subject and delivers to its own clients only, so any number of instances can serve streams. The feed
 * is a hint to refetch, not a record: a client that reconnects reloads its notifications.
 */
export function createLiveFeed(broker: Broker, logger: { warn(obj: object, msg: string): void }) {
  const listeners = new Map<string, Set<LiveListener>>();
  let subscription: Subscription | undefined;
  const key = (companyId: string, assigneeId: string) => `${companyId}\u0000${assigneeId}`;

  return {
    start() {
      subscription = broker.nc.subscribe(broker.ns.subject(notificationChanged.type));
      void (async () => {
        for await (const message of subscription!) {
          try {
            const envelope = cloudEventSchema.parse(message.json());
            const data = notificationChanged.data.parse(envelope.data);
            for (const listener of listeners.get(key(data.companyId, data.assigneeId)) ?? []) listener({ ...data, eventId: envelope.id });
          } catch (error) {
            logger.warn({ err: error }, 'unreadable notification.changed ignored by the live feed');
          }
        }
      })();
    },
    /** Registers a client; the returned function unregisters it. */
    listen(companyId: string, assigneeId: string, listener: LiveListener): () => void {
      const k = key(companyId, assigneeId);
      const set = listeners.get(k) ?? new Set();
      set.add(listener);
      listeners.set(k, set);
      return () => {
        set.delete(listener);
        if (set.size === 0) listeners.delete(k);
      };
    },
    clientCount(): number {
      let total = 0;
      for (const set of listeners.values()) total += set.size;
      return total;
    },
    stop() {
      subscription?.unsubscribe();
    },
  };
}
export type LiveFeed = ReturnType<typeof createLiveFeed>;
