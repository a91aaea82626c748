export { createNotificationsService, type NotificationsService } from './service.js';
export { notificationsConfigSchema, type NotificationsConfig } from './config.js';
