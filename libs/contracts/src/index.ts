export * from './ids.js';
export * from './hr/index.js';
export * from './providers/index.js';
export * from './accounts/index.js';
export * from './workflows/index.js';
export * from './notifications/index.js';
export { eventCatalog, type CatalogEntry, type Party } from './catalog.js';
export { buildAsyncApi } from './asyncapi.js';
