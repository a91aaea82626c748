import { fileURLToPath } from 'node:url';
import type { Transaction } from 'kysely';
import { accountStatusChanged, taskRequestsApplied } from '@provisio/contracts';
import { consumeRoster, findRosterEmployee, isActiveAdmin, ROSTER_BATCH_SIZE, rosterMigrations, type RosterTables } from '@provisio/roster';
import { createTokenVerifier, tokenVerifierOptions, type Logger, type ServiceApp } from '@provisio/service-kit';
import { openRuntime, type Runtime } from '@provisio/service-runtime';
import { buildWorkflowsApp } from './app.js';
import type { WorkflowsConfig } from './config.js';
import { createDefinitionService } from './definitions/definition-service.js';
import { createDefinitionRepository } from './definitions/repository.js';
import { consumeProviders } from './projections/provider-projection.js';
import { createOverdueSweeper } from './runs/overdue-sweep.js';
import { createRunRepository } from './runs/repository.js';
import { createRunProgress } from './runs/run-progress.js';
import { createRunService } from './runs/run-service.js';
import { createRunStarter } from './runs/run-starter.js';
import { createTriggers } from './runs/triggers.js';
import type { WorkflowsDb } from './tables.js';

export interface WorkflowsService {
  app: ServiceApp;
  /** Starts the outbox relay, the consumers and the overdue sweep (the app can `inject` already). */
  start(): Promise<void>;
  /** One overdue sweep now, besides the periodic one. */
  sweepOverdue(): Promise<number>;
  readonly runtime: Runtime<WorkflowsDb>;
  close(): Promise<void>;
}

const asRoster = (tx: Transaction<WorkflowsDb>) => tx as unknown as Transaction<RosterTables>;

/**
 * Wires the workflows service: database, broker, the roster (which starts runs on hires and terminations),
 * the provider projection, the accounts events that move runs forward, the overdue sweep and the app.
 */
export async function createWorkflowsService(config: WorkflowsConfig, logger: Logger): Promise<WorkflowsService> {
  const runtime = await openRuntime<WorkflowsDb>({
    service: 'workflows',
    databaseUrl: config.WORKFLOWS_DATABASE_URL,
    dataDir: config.DATA_DIR,
    natsUrl: config.NATS_URL,
    natsNamespace: config.NATS_NAMESPACE,
    streamReplicas: config.NATS_STREAM_REPLICAS,
    migrations: [rosterMigrations, { name: 'workflows', dir: fileURLToPath(new URL('../migrations', import.meta.url)) }],
    logger,
  });
  try {
    const db = runtime.db;
    const definitionRepo = createDefinitionRepository();
    const runRepo = createRunRepository();
    const startRun = createRunStarter({ repo: runRepo });
    const progress = createRunProgress({ repo: runRepo, logger });
    const onRosterChange = createTriggers({ definitions: definitionRepo, startRun, logger });

    consumeRoster<WorkflowsDb>(runtime.consumer({ name: 'workflows-roster', stream: 'HR', batchSize: ROSTER_BATCH_SIZE }), onRosterChange);
    consumeProviders(runtime.consumer({ name: 'workflows-providers', stream: 'PROVIDERS' }));
    runtime
      .consumer({ name: 'workflows-accounts', stream: 'ACCOUNTS' })
      .on(taskRequestsApplied, (event, tx) => progress.onTaskRequestsApplied(tx as Transaction<WorkflowsDb>, event.data))
      .on(accountStatusChanged, (event, tx) => progress.onAccountStatusChanged(tx as Transaction<WorkflowsDb>, event.data));

    const sweeper = createOverdueSweeper({ db, repo: runRepo, intervalMs: config.WORKFLOWS_OVERDUE_SWEEP_MS, logger });
    const definitions = createDefinitionService({
      db,
      repo: definitionRepo,
      isActiveAdmin: (tx, companyId, employeeId) => isActiveAdmin(asRoster(tx), companyId, employeeId),
    });
    const runs = createRunService({
      db,
      repo: runRepo,
      definitions: definitionRepo,
      startRun,
      findEmployee: (dbOrTx, companyId, employeeId) => findRosterEmployee(dbOrTx as never, companyId, employeeId),
    });
    const app = await buildWorkflowsApp({
      logger,
      verifier: createTokenVerifier(tokenVerifierOptions(config)),
      probes: runtime.probes,
      definitions,
      runs,
    });
    await app.ready();
    return {
      app,
      runtime,
      async start() {
        await runtime.start();
        sweeper.start();
      },
      sweepOverdue: () => sweeper.sweep(),
      async close() {
        await sweeper.stop();
        await runtime.close(() => app.close());
      },
    };
  } catch (error) {
    await runtime.close();
    throw error;
  }
}
