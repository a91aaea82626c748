import { createLogger, loadConfig, runService } from '@provisio/service-kit';
import { withTelemetry } from '@provisio/telemetry';
import { accountsConfigSchema } from './config.js';
import { accountsGauges } from './operator-metrics.js';
import { createAccountsService } from './service.js';

const logger = createLogger({ name: 'accounts', level: 'info' });

await runService({
  name: 'accounts',
  logger,
  async start() {
    const config = loadConfig(accountsConfigSchema);
    logger.level = config.LOG_LEVEL;
    const service = await createAccountsService(config, logger);
    await service.start();
    await service.app.listen({ host: config.HOST, port: config.PORT });
    return withTelemetry(service, accountsGauges(service.runtime.db.kysely));
  },
});
