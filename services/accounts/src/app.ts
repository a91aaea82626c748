import { createServiceApp, type Logger, type Probes, type ServiceApp, type TokenVerifier } from '@provisio/service-kit';
import { accessRoutes } from './access/routes.js';
import type { AccessService } from './access/access-service.js';
import type { AccountReads } from './accounts/account-reads.js';
import type { AccountService } from './accounts/account-service.js';
import { accountRoutes } from './accounts/routes.js';
import type { EmployeeService } from './employees/employee-service.js';
import { employeeRoutes } from './employees/routes.js';

export interface AccountsAppDeps {
  logger: Logger;
  verifier: TokenVerifier;
  probes: Probes;
  employees: EmployeeService;
  accounts: AccountService;
  reads: AccountReads;
  access: AccessService;
}

/** The accounts service's HTTP API: infrastructure from the kit, then the feature routes. */
export async function buildAccountsApp(deps: AccountsAppDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: 'accounts',
    logger: deps.logger,
    verifier: deps.verifier,
    probes: deps.probes,
    openapi: {
      title: 'Provisio accounts',
      description: 'The roster, the account of every team member on every provider, and the org-wide access views.',
    },
  });
  await app.register(employeeRoutes, { employees: deps.employees });
  await app.register(accountRoutes, { accounts: deps.accounts, reads: deps.reads });
  await app.register(accessRoutes, { access: deps.access });
  return app;
}
