import { z } from 'zod';
import { portSchema, serviceConfigSchema } from '@provisio/service-kit';

export const workflowsConfigSchema = serviceConfigSchema({
  PORT: portSchema(8083),
  WORKFLOWS_DATABASE_URL: z.url({ error: 'must be a postgres:// URL' }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
  /** How often open tasks past their due date are marked overdue. */
  WORKFLOWS_OVERDUE_SWEEP_MS: z.coerce
    .number({ error: 'must be a number of milliseconds' })
    .int({ error: 'must be a whole number of milliseconds' })
    .min(100, { error: 'must be at least 100' })
    .max(86_400_000, { error: 'must be at most 86400000 (a day)' })
    .default(60_000),
});
export type WorkflowsConfig = z.output<typeof workflowsConfigSchema>;
