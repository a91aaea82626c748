export { createGateway, type Gateway } from './service.js';
export { gatewayConfigSchema, type GatewayConfig } from './config.js';
export { composeOpenApi, OpenApiClashError } from './openapi/compose.js';
