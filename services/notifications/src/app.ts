import { createServiceApp, type Logger, type Probes, type ServiceApp, type TokenVerifier } from '@provisio/service-kit';
import type { NotificationService } from './notifications/notification-service.js';
import { notificationRoutes } from './notifications/routes.js';

export interface NotificationsAppDeps {
  logger: Logger;
  verifier: TokenVerifier;
  probes: Probes;
  notifications: NotificationService;
}

/** The notifications service's HTTP API: infrastructure from the kit, then the feature routes. */
export async function buildNotificationsApp(deps: NotificationsAppDeps): Promise<ServiceApp> {
  const app = await createServiceApp({
    name: 'notifications',
    logger: deps.logger,
    verifier: deps.verifier,
    probes: deps.probes,
    openapi: { title: 'Provisio notifications', description: 'Stacked per-employee notifications for assignees.' },
  });
  await app.register(notificationRoutes, { service: deps.notifications });
  return app;
}
