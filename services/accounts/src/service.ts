import { fileURLToPath } from 'node:url';
import { consumeRoster, ROSTER_BATCH_SIZE, rosterMigrations } from '@provisio/roster';
import { openRuntime, type Runtime } from '@provisio/service-runtime';
import { createTokenVerifier, tokenVerifierOptions, type Logger, type ServiceApp } from '@provisio/service-kit';
import { createAccessService } from './access/access-service.js';
import { createAccessRepository } from './access/repository.js';
import { createAccountReads } from './accounts/account-reads.js';
import { createAccountService } from './accounts/account-service.js';
import { createAccountReadRepository } from './accounts/read-repository.js';
import { createAccountRepository } from './accounts/repository.js';
import { buildAccountsApp } from './app.js';
import type { AccountsConfig } from './config.js';
import { createEmployeeService } from './employees/employee-service.js';
import { createEmployeeRepository } from './employees/repository.js';
import { rosterReactions } from './employees/roster-reactions.js';
import { consumeProviders } from './providers/handlers.js';
import { createProviderRepository } from './providers/repository.js';
import type { AccountsDb } from './tables.js';
import { consumeWorkflowTasks } from './workflow-tasks/handlers.js';

export const accountsMigrations = { name: 'accounts', dir: fileURLToPath(new URL('../migrations', import.meta.url)) };

export interface AccountsService {
  app: ServiceApp;
  /** Database, broker and consumers, for tests and the benchmark. */
  runtime: Runtime<AccountsDb>;
  /** Starts the outbox relay and the consumers (the app is ready to `listen` or `inject` already). */
  start(): Promise<void>;
  close(): Promise<void>;
}

/** Wires the accounts service: database, broker, consumers (roster, providers, workflow tasks), relay, app. */
export async function createAccountsService(config: AccountsConfig, logger: Logger): Promise<AccountsService> {
  const runtime = await openRuntime<AccountsDb>({
    service: 'accounts',
    databaseUrl: config.ACCOUNTS_DATABASE_URL,
    dataDir: config.DATA_DIR,
    natsUrl: config.NATS_URL,
    natsNamespace: config.NATS_NAMESPACE,
    streamReplicas: config.NATS_STREAM_REPLICAS,
    migrations: [rosterMigrations, accountsMigrations],
    logger,
  });
  try {
    const db = runtime.db;
    const accountRepo = createAccountRepository();
    const providerRepo = createProviderRepository();
    const employeeRepo = createEmployeeRepository();
    const accounts = createAccountService({ db, accounts: accountRepo, providers: providerRepo, employees: employeeRepo });
    const employees = createEmployeeService({ db, employees: employeeRepo });

    const reactions = rosterReactions({ accounts, accountRepo, logger });
    consumeRoster<AccountsDb>(runtime.consumer({ name: 'accounts-roster', stream: 'HR', batchSize: ROSTER_BATCH_SIZE }), reactions.onChange, reactions.afterBatch);
    consumeProviders(runtime.consumer({ name: 'accounts-providers', stream: 'PROVIDERS' }), providerRepo);
    // Started tasks are applied in batches (a wave of hires): up to 100 tasks, ~500 account requests, per commit.
    consumeWorkflowTasks(runtime.consumer({ name: 'accounts-workflow-tasks', stream: 'WORKFLOWS', batchSize: 100 }), {
      accounts,
      accountRepo,
      providerRepo,
      employeeRepo,
    });

    const app = await buildAccountsApp({
      logger,
      verifier: createTokenVerifier(tokenVerifierOptions(config)),
      probes: runtime.probes,
      employees,
      accounts,
      reads: createAccountReads({ db, reads: createAccountReadRepository(), providers: providerRepo, employees }),
      access: createAccessService({ db, access: createAccessRepository() }),
    });
    await app.ready();
    return {
      app,
      runtime,
      start: () => runtime.start(),
      close: () => runtime.close(() => app.close()),
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
