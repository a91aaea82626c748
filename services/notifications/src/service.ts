import { fileURLToPath } from 'node:url';
import type { Consumer } from '@provisio/messaging';
import { consumeRoster, ROSTER_BATCH_SIZE, rosterMigrations } from '@provisio/roster';
import { openRuntime, type Runtime } from '@provisio/service-runtime';
import { createTokenVerifier, tokenVerifierOptions, type Logger, type ServiceApp } from '@provisio/service-kit';
import { buildNotificationsApp } from './app.js';
import type { NotificationsConfig } from './config.js';
import { consumeProviderEvents } from './display/provider-names.js';
import { createNotificationRepository } from './notifications/repository.js';
import { createNotificationService } from './notifications/notification-service.js';
import { consumeWorkflowEvents } from './overdue/handlers.js';
import { createOverdueRepository } from './overdue/overdue-repository.js';
import { createOverdueService } from './overdue/overdue-service.js';
import { createOverdueSweep, type OverdueSweep } from './overdue/overdue-sweep.js';
import { consumeAccountEvents } from './stacking/handlers.js';
import { createStacker, type Stacker } from './stacking/stacker.js';
import { createStackingRepository } from './stacking/stacking-repository.js';
import type { NotificationsDb } from './tables.js';

export interface NotificationsService {
  app: ServiceApp;
  /** The database, broker and relay below the app (tests and the benchmark look at them). */
  runtime: Runtime<NotificationsDb>;
  /** The durable consumers by purpose; their `stats` tell what each message did. */
  consumers: Record<'accounts' | 'roster' | 'providers' | 'workflows', Consumer>;
  /** Stacks the accounts consumer's batches; its `stats` count them. */
  stacker: Stacker;
  /** Marks items whose due date has passed overdue and announces them; `sweep()` runs one now. */
  overdueSweep: OverdueSweep;
  /** Starts the outbox relay, the consumers and the overdue sweep (the app is ready to `listen` or `inject` already). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/**
 * Wires the notifications service: database, broker, the consumers that feed stacking (accounts), names
 * (roster, providers) and overdue marks (workflows), the stacker, the outbox relay, the read service and the app.
 */
export async function createNotificationsService(config: NotificationsConfig, logger: Logger): Promise<NotificationsService> {
  const runtime = await openRuntime<NotificationsDb>({
    service: 'notifications',
    databaseUrl: config.NOTIFICATIONS_DATABASE_URL,
    dataDir: config.DATA_DIR,
    natsUrl: config.NATS_URL,
    natsNamespace: config.NATS_NAMESPACE,
    streamReplicas: config.NATS_STREAM_REPLICAS,
    migrations: [rosterMigrations, { name: 'notifications', dir: fileURLToPath(new URL('../migrations', import.meta.url)) }],
    logger,
  });
  try {
    const stackingRepo = createStackingRepository();
    const stacker = createStacker({ repo: stackingRepo, logger });
    const overdueRepo = createOverdueRepository();
    const overdue = createOverdueService({ repo: stackingRepo, dueItems: overdueRepo });
    const overdueSweep = createOverdueSweep({ db: runtime.db, repo: overdueRepo, overdue, logger, intervalMs: config.NOTIFICATIONS_OVERDUE_SWEEP_MS });
    // Consumer names are durable: never rename them. The accounts consumer stacks what is waiting in batches.
    const consumers = {
      accounts: consumeAccountEvents(
        runtime.consumer({ name: 'notifications-accounts', stream: 'ACCOUNTS', batchSize: config.NOTIFICATIONS_STACK_BATCH }),
        stacker,
      ),
      roster: consumeRoster(runtime.consumer({ name: 'notifications-roster', stream: 'HR', batchSize: ROSTER_BATCH_SIZE })),
      providers: consumeProviderEvents(runtime.consumer({ name: 'notifications-providers', stream: 'PROVIDERS' })),
      workflows: consumeWorkflowEvents(
        runtime.consumer({ name: 'notifications-workflows', stream: 'WORKFLOWS' }),
        overdue,
      ),
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
      stacker,
      overdueSweep,
      async start() {
        await runtime.start();
        overdueSweep.start();
      },
      async close() {
        await overdueSweep.stop();
        await runtime.close(() => app.close());
      },
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
