import { z } from 'zod';
import { portSchema, serviceConfigSchema } from '@provisio/service-kit';

export const accountsConfigSchema = serviceConfigSchema({
  PORT: portSchema(8082),
  ACCOUNTS_DATABASE_URL: z.url({ error: 'must be a postgres:// URL' }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
});
export type AccountsConfig = z.output<typeof accountsConfigSchema>;
