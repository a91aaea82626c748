export { createWorkflowsService, type WorkflowsService } from './service.js';
export { workflowsConfigSchema, type WorkflowsConfig } from './config.js';
