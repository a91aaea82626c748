import { z } from 'zod';
import { portSchema, serviceConfigSchema } from '@provisio/service-kit';

export const notificationsConfigSchema = serviceConfigSchema({
  PORT: portSchema(8084),
  NOTIFICATIONS_DATABASE_URL: z.url({ error: 'must be a postgres:// URL' }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Status events stacked at once. Events of one employee still apply one at a time (a database lock). */
  NOTIFICATIONS_CONCURRENCY: z.coerce.number({ error: 'must be a number' }).int().min(1).max(256).default(16),
});
export type NotificationsConfig = z.output<typeof notificationsConfigSchema>;
