import { createLogger, loadConfig, runService } from '@provisio/service-kit';
import { withTelemetry } from '@provisio/telemetry';
import { workflowsConfigSchema } from './config.js';
import { workflowsGauges } from './operator-metrics.js';
import { createWorkflowsService } from './service.js';

const logger = createLogger({ name: 'workflows', level: 'info' });

await runService({
  name: 'workflows',
  logger,
  async start() {
    const config = loadConfig(workflowsConfigSchema);
    logger.level = config.LOG_LEVEL;
    const service = await createWorkflowsService(config, logger);
    await service.start();
    await service.app.listen({ host: config.HOST, port: config.PORT });
    return withTelemetry(service, workflowsGauges(service.runtime.db.kysely));
  },
});
