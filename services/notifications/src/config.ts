import { z } from 'zod';
import { portSchema, serviceConfigSchema } from '@provisio/service-kit';

export const notificationsConfigSchema = serviceConfigSchema({
  PORT: portSchema(8084),
  NOTIFICATIONS_DATABASE_URL: z.url({ error: 'must be a postgres:// URL' }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Status events the accounts consumer records at once (they share commits, see group-commit.ts). */
  NOTIFICATIONS_CONCURRENCY: z.coerce.number({ error: 'must be a number' }).int().min(1).max(1_000).default(100),
  /** Status events stacked per transaction at most. */
  NOTIFICATIONS_STACK_BATCH: z.coerce.number({ error: 'must be a number' }).int().min(1).max(2_000).default(500),
});
export type NotificationsConfig = z.output<typeof notificationsConfigSchema>;
