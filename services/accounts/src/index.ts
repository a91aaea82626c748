export { createAccountsService, accountsMigrations, type AccountsService } from './service.js';
export { accountsConfigSchema, type AccountsConfig } from './config.js';
export { accountActions, allowedActions, transition, type AccountAction, type AccountState } from './accounts/account-transitions.js';
export type { AccountsDb } from './tables.js';
