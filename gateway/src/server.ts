import { createLogger, loadConfig, runService } from '@provisio/service-kit';
import { withTelemetry } from '@provisio/telemetry';
import { gatewayConfigSchema } from './config.js';
import { createGateway } from './service.js';

const logger = createLogger({ name: 'gateway', level: 'info' });

await runService({
  name: 'gateway',
  logger,
  async start() {
    const config = loadConfig(gatewayConfigSchema);
    logger.level = config.LOG_LEVEL;
    const gateway = await createGateway(config, logger);
    await gateway.start();
    await gateway.composeDocs(30_000);
    await gateway.app.listen({ host: config.HOST, port: config.PORT });
    return withTelemetry(gateway);
  },
});
