import { z } from 'zod';
import { errorResponses, principalOf, requireRole, type FastifyPluginAsyncZod } from '@provisio/service-kit';
import { TRACE_ORIGIN_HEADER } from '@provisio/telemetry';
import type { NotificationService } from './notification-service.js';
import { listQuery, notificationListSchema, notificationParams, notificationSchema, unreadCountSchema } from './schemas.js';

/** Every person may have notifications as an assignee; an integration has none. */
const assignees = requireRole('admin', 'manager', 'employee');
const tags = ['Notifications'];

export const notificationRoutes: FastifyPluginAsyncZod<{ service: NotificationService }> = async (app, { service }) => {
  app.get('/v1/notifications', {
    onRequest: assignees,
    schema: {
      tags, operationId: 'listNotifications', summary: 'The caller’s notifications as assignee, newest first (state defaults to open)',
      querystring: listQuery,
      response: { 200: notificationListSchema, ...errorResponses(400, 403) },
    },
  }, async (request) => service.list(principalOf(request), request.query));

  app.get('/v1/notifications/unread-count', {
    onRequest: assignees,
    schema: {
      tags, operationId: 'countUnreadNotifications', summary: 'How many of the caller’s open notifications are unread',
      response: { 200: unreadCountSchema, ...errorResponses(403) },
    },
  }, async (request) => service.unreadCount(principalOf(request)));

  app.get('/v1/notifications/:notificationId', {
    onRequest: assignees,
    schema: {
      tags, operationId: 'getNotification', summary: 'One of the caller’s notifications with its items',
      params: notificationParams,
      response: { 200: notificationSchema, ...errorResponses(400, 403, 404) },
    },
  }, async (request, reply) => {
    const { notification, traceOrigin } = await service.find(principalOf(request), request.params.notificationId);
    // For the gateway's completion of it, which continues the trace that opened it; the gateway does not pass it on.
    if (traceOrigin) void reply.header(TRACE_ORIGIN_HEADER, traceOrigin);
    return notification;
  });

  app.post('/v1/notifications/:notificationId/read', {
    onRequest: assignees,
    schema: {
      tags, operationId: 'markNotificationRead', summary: 'Mark one of the caller’s notifications read',
      params: notificationParams,
      body: z.strictObject({}).nullish().describe('No body, or an empty object.'),
      response: { 200: notificationSchema, ...errorResponses(400, 403, 404) },
    },
  }, async (request) => service.markRead(principalOf(request), request.params.notificationId));
};
