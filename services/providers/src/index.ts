export { createProvidersService, type ProvidersService } from './service.js';
export { providersConfigSchema, type ProvidersConfig } from './config.js';
