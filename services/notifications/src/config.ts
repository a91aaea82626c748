import { z } from 'zod';
import { portSchema, serviceConfigSchema } from '@provisio/service-kit';

export const notificationsConfigSchema = serviceConfigSchema({
  PORT: portSchema(8084),
  NOTIFICATIONS_DATABASE_URL: z.url({ error: 'must be a postgres:// URL' }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  /** Status events stacked per transaction at most (the accounts consumer takes what is waiting, up to this). */
  NOTIFICATIONS_STACK_BATCH: z.coerce.number({ error: 'must be a number' }).int().min(1).max(2_000).default(500),
  /** How often pending items whose due date has passed are marked overdue and announced (overdue/overdue-sweep.ts). */
  NOTIFICATIONS_OVERDUE_SWEEP_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int({ error: 'must be a whole number of milliseconds' })
    .min(100, { error: 'must be at least 100' })
    .max(86_400_000, { error: 'must be at most 86400000 (a day)' })
    .default(60_000),
});
export type NotificationsConfig = z.output<typeof notificationsConfigSchema>;
