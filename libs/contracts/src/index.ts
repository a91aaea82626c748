export * from './ids.js';
export * from './hr/index.js';
export * from './providers/index.js';
export * from './accounts/index.js';
export * from './workflows/index.js';
export * from './notifications/index.js';
