import type { Transaction } from 'kysely';
import { consumeRoster, isActiveAdmin, ROSTER_BATCH_SIZE, rosterMigrations, type RosterTables } from '@provisio/roster';
import { openRuntime } from '@provisio/service-runtime';
import { createTokenVerifier, tokenVerifierOptions, type Logger, type ServiceApp } from '@provisio/service-kit';
import { fileURLToPath } from 'node:url';
import { buildProvidersApp } from './app.js';
import type { ProvidersConfig } from './config.js';
import { createProviderRepository } from './providers/repository.js';
import { createProviderService } from './providers/provider-service.js';
import type { ProvidersDb } from './providers/tables.js';

export interface ProvidersService {
  app: ServiceApp;
  /** Starts the outbox relay and the consumers (the app is ready to `listen` or `inject` already). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Wires the providers service: database, broker, roster consumer, outbox relay, domain service, app. */
export async function createProvidersService(config: ProvidersConfig, logger: Logger): Promise<ProvidersService> {
  const runtime = await openRuntime<ProvidersDb>({
    service: 'providers',
    databaseUrl: config.PROVIDERS_DATABASE_URL,
    dataDir: config.DATA_DIR,
    natsUrl: config.NATS_URL,
    natsNamespace: config.NATS_NAMESPACE,
    streamReplicas: config.NATS_STREAM_REPLICAS,
    migrations: [rosterMigrations, { name: 'providers', dir: fileURLToPath(new URL('../migrations', import.meta.url)) }],
    logger,
  });
  try {
    consumeRoster(runtime.consumer({ name: 'providers-roster', stream: 'HR', batchSize: ROSTER_BATCH_SIZE }));
    const providers = createProviderService({
      db: runtime.db,
      repo: createProviderRepository(),
      isActiveAdmin: (tx: Transaction<ProvidersDb>, companyId, employeeId) =>
        isActiveAdmin(tx as unknown as Transaction<RosterTables>, companyId, employeeId),
    });
    const app = await buildProvidersApp({
      logger,
      verifier: createTokenVerifier(tokenVerifierOptions(config)),
      probes: runtime.probes,
      providers,
    });
    await app.ready();
    return {
      app,
      start: () => runtime.start(),
      close: () => runtime.close(() => app.close()),
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
