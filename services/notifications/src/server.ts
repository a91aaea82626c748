import { createLogger, loadConfig, runService } from '@provisio/service-kit';
import { withTelemetry } from '@provisio/telemetry';
import { notificationsConfigSchema } from './config.js';
import { notificationsGauges } from './operator-metrics.js';
import { createNotificationsService } from './service.js';

const logger = createLogger({ name: 'notifications', level: 'info' });

await runService({
  name: 'notifications',
  logger,
  async start() {
    const config = loadConfig(notificationsConfigSchema);
    logger.level = config.LOG_LEVEL;
    const service = await createNotificationsService(config, logger);
    await service.start();
    await service.app.listen({ host: config.HOST, port: config.PORT });
    return withTelemetry(service, notificationsGauges(service.runtime.db.kysely));
  },
});
