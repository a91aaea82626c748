import { createServiceApp, type Logger, type Probes, type ServiceApp, type TokenVerifier } from '@provisio/service-kit';
import type { DefinitionService } from './definitions/definition-service.js';
import { definitionRoutes } from './definitions/routes.js';
import type { RunService } from './runs/run-service.js';
import { runRoutes } from './runs/routes.js';

export interface WorkflowsAppDeps {
  logger: Logger;
  verifier: TokenVerifier;
  probes: Probes;
  definitions: DefinitionService;
  runs: RunService;
}

/** The workflows service's HTTP API: infrastructure from the kit, then the feature routes. */
export async function buildWorkflowsApp(deps: WorkflowsAppDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: 'workflows',
    logger: deps.logger,
    verifier: deps.verifier,
    probes: deps.probes,
    openapi: { title: 'Provisio workflows', description: 'Provisioning and deprovisioning workflows, their triggers and runs.' },
  });
  await app.register(definitionRoutes, { service: deps.definitions });
  await app.register(runRoutes, { service: deps.runs });
  return app;
}
