import { createServiceApp, type Logger, type Probes, type ServiceApp, type TokenVerifier } from '@provisio/service-kit';
import type { ProviderService } from './providers/provider-service.js';
import { providerRoutes } from './providers/routes.js';

export interface ProvidersAppDeps {
  logger: Logger;
  verifier: TokenVerifier;
  probes: Probes;
  providers: ProviderService;
}

/** The providers service's HTTP API: infrastructure from the kit, then the feature routes. */
export async function buildProvidersApp(deps: ProvidersAppDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: 'providers',
    logger: deps.logger,
    verifier: deps.verifier,
    probes: deps.probes,
    openapi: { title: 'Provisio providers', description: 'Providers (the apps) and their assignees.' },
  });
  await app.register(providerRoutes, { service: deps.providers });
  return app;
}
