import { createLogger, loadConfig, runService } from '@provisio/service-kit';
import { withTelemetry } from '@provisio/telemetry';
import { providersConfigSchema } from './config.js';
import { createProvidersService } from './service.js';

const logger = createLogger({ name: 'providers', level: 'info' });

await runService({
  name: 'providers',
  logger,
  async start() {
    const config = loadConfig(providersConfigSchema);
    logger.level = config.LOG_LEVEL;
    const service = await createProvidersService(config, logger);
    await service.start();
    await service.app.listen({ host: config.HOST, port: config.PORT });
    return withTelemetry(service);
  },
});
