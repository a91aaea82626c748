import { enc, request } from './http';
import type { Page } from './http';
import type { BatchResult } from './accounts';

export type NotificationItemState = 'pending' | 'done' | 'cancelled';

export interface NotificationItem {
  id: string;
  providerId: string;
  providerName: string;
  action: 'provision' | 'deprovision';
  state: NotificationItemState;
  dueAt: string | null;
  overdue: boolean;
}

export interface Notification {
  id: string;
  type: 'provision_requested';
  title: string;
  employee: { id: string; name: string };
  items: NotificationItem[];
  read: boolean;
  createdAt: string;
  updatedAt: string;
}

export type NotificationState = 'open' | 'done' | 'all';

export const NOTIFICATION_STREAM_PATH = '/v1/notifications/stream';

export function listNotifications(state: NotificationState, signal?: AbortSignal): Promise<Page<Notification>> {
  return request('/v1/notifications', { query: { state, limit: 100 }, signal });
}

export function unreadCount(signal?: AbortSignal): Promise<{ count: number }> {
  return request('/v1/notifications/unread-count', { signal });
}

export function markNotificationRead(id: string): Promise<unknown> {
  return request(`/v1/notifications/${enc(id)}/read`, { method: 'POST' });
}

/** Marks the given items (every pending one when `itemIds` is omitted) provisioned / deprovisioned. */
export function completeNotification(id: string, itemIds?: string[]): Promise<{ results: BatchResult[] }> {
  return request(`/v1/notifications/${enc(id)}/complete`, {
    method: 'POST',
    body: itemIds ? { itemIds } : {},
  });
}
