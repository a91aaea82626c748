export { notificationChanged, type NotificationChanged } from './notification-changed.js';
