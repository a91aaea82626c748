import { z } from 'zod';
import { portSchema, serviceConfigSchema } from '@provisio/service-kit';

export const providersConfigSchema = serviceConfigSchema({
  PORT: portSchema(8081),
  PROVIDERS_DATABASE_URL: z.url({ error: 'must be a postgres:// URL' }).optional(),
  DATA_DIR: z.string().min(1).default('./data'),
});
export type ProvidersConfig = z.output<typeof providersConfigSchema>;
