import { z } from 'zod';

export const notificationItemSchema = z
  .object({
    id: z.uuid(),
    providerId: z.uuid(),
    providerName: z.string().nullable().describe('Null until the provider is known to this service.'),
    action: z.enum(['provision', 'deprovision']),
    state: z.enum(['pending', 'done', 'cancelled']),
    dueAt: z.iso.datetime().nullable(),
    overdue: z.boolean().describe('Pending and past its due date (or its workflow task was reported overdue).'),
    requestedAt: z.iso.datetime().nullable(),
    closedAt: z.iso.datetime().nullable(),
  })
  .meta({ id: 'NotificationItem' });
export type NotificationItem = z.infer<typeof notificationItemSchema>;

export const notificationSchema = z
  .object({
    id: z.uuid(),
    type: z.literal('provision_requested'),
    title: z.literal('Provision Requested'),
    employee: z.object({
      id: z.string(),
      name: z.string().nullable().describe('Null until the employee is known to this service.'),
    }),
    assigneeId: z.string(),
    state: z.enum(['open', 'done']).describe('Open while an item is pending; a done notification never reopens.'),
    items: z.array(notificationItemSchema),
    read: z.boolean(),
    createdAt: z.iso.datetime(),
    updatedAt: z.iso.datetime(),
    closedAt: z.iso.datetime().nullable(),
    version: z.number().int().describe('Grows with every change; `notification.changed` carries it.'),
  })
  .meta({ id: 'Notification' });
export type Notification = z.infer<typeof notificationSchema>;

export const notificationListSchema = z.object({ items: z.array(notificationSchema), nextCursor: z.string().nullable() });
export type NotificationList = z.infer<typeof notificationListSchema>;

export const listQuery = z.strictObject({
  state: z.enum(['open', 'done', 'all']).default('open'),
  limit: z.coerce.number().int().min(1).max(500).default(50),
  cursor: z.string().max(500).optional(),
});
export type ListQuery = z.infer<typeof listQuery>;

export const notificationParams = z.strictObject({ notificationId: z.uuid() });

export const unreadCountSchema = z.object({ count: z.number().int().nonnegative() });
