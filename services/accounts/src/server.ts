import { createLogger, loadConfig, runService } from '@provisio/service-kit';
import { accountsConfigSchema } from './config.js';
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
    return service;
  },
});
