import { z } from 'zod';
import { defineEvent } from '@provisio/messaging';
import { companyId, employeeId, uuid } from '../ids.js';

/** One of an assignee's notifications was created or changed; the gateway's live feed forwards it. */
export const notificationChanged = defineEvent(
  'notification.changed',
  z.object({
    companyId,
    notificationId: uuid,
    assigneeId: employeeId,
    employeeId,
    change: z.enum(['created', 'updated']),
    state: z.enum(['open', 'done']),
    pendingItems: z.number().int().nonnegative(),
    version: z.number().int().positive(),
  }),
);
export type NotificationChanged = z.infer<typeof notificationChanged.data>;
