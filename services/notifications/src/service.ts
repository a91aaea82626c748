import { fileURLToPath } from 'node:url';
import { consumeRoster, rosterMigrations } from '@provisio/roster';
import type { Consumer } from '@provisio/messaging';
import { openRuntime, type Runtime } from '@provisio/service-runtime';
import { createTokenVerifier, tokenVerifierOptions, type Logger, type ServiceApp } from '@provisio/service-kit';
import { buildNotificationsApp } from './app.js';
import type { NotificationsConfig } from './config.js';
import { consumeProviderEvents } from './display/provider-names.js';
import { createNotificationRepository } from './notifications/repository.js';
import { createNotificationService } from './notifications/notification-service.js';
import { consumeWorkflowEvents } from './overdue/handlers.js';
import { consumeAccountEvents } from './stacking/handlers.js';
import { createStackingRepository } from './stacking/stacking-repository.js';
import { createStackingService } from './stacking/stacking-service.js';
import type { NotificationsDb } from './tables.js';

export interface NotificationsService {
  app: ServiceApp;
  /** The database, broker and consumers below the app (tests and the benchmark look at them). */
  runtime: Runtime<NotificationsDb>;
  /** The durable consumers by purpose; their `stats` tell what each message did. */
  consumers: Record<'accounts' | 'roster' | 'providers' | 'workflows', Consumer>;
  /** Starts the outbox relay and the consumers (the app is ready to `listen` or `inject` already). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Wires the notifications service: database, broker, the consumers that feed stacking (accounts), names
 * (roster, providers) and overdue marks (workflows), the outbox relay, the read service and the app.
 */
export async function createNotificationsService(config: NotificationsConfig, logger: Logger): Promise<NotificationsService> {
  const runtime = await openRuntime<NotificationsDb>({
    service: 'notifications',
    databaseUrl: config.NOTIFICATIONS_DATABASE_URL,
    dataDir: config.DATA_DIR,
    natsUrl: config.NATS_URL,
    natsNamespace: config.NATS_NAMESPACE,
    migrations: [rosterMigrations, { name: 'notifications', dir: fileURLToPath(new URL('../migrations', import.meta.url)) }],
    logger,
  });
  try {
    const stacking = createStackingService({ repo: createStackingRepository() });
    // Consumer names are durable: never rename them.
    const consumers = {
      accounts: consumeAccountEvents(
        runtime.consumer({ name: 'notifications-accounts', stream: 'ACCOUNTS', concurrency: config.NOTIFICATIONS_CONCURRENCY }),
        stacking,
        logger,
      ),
      roster: consumeRoster(runtime.consumer({ name: 'notifications-roster', stream: 'HR' })),
      providers: consumeProviderEvents(runtime.consumer({ name: 'notifications-providers', stream: 'PROVIDERS' })),
      workflows: consumeWorkflowEvents(runtime.consumer({ name: 'notifications-workflows', stream: 'WORKFLOWS' }), stacking),
    };

    const notifications = createNotificationService({ db: runtime.db, repo: createNotificationRepository() });
    const app = await buildNotificationsApp({
      logger,
      verifier: createTokenVerifier(tokenVerifierOptions(config)),
      probes: runtime.probes,
      notifications,
    });
    await app.ready();
    return {
      app,
      runtime,
      consumers,
      start: () => runtime.start(),
      close: () => runtime.close(() => app.close()),
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
