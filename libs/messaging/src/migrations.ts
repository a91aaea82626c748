import { fileURLToPath } from 'node:url';
import type { MigrationSet } from '@provisio/db';

/** The outbox and processed-event tables; every service that publishes or consumes applies this set. */
export const messagingMigrations: MigrationSet = {
  name: 'messaging',
  dir: fileURLToPath(new URL('../migrations', import.meta.url)),
};
