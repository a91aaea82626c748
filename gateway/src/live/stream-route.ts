import { errorResponses, principalOf, requireRole, type FastifyPluginAsyncZod } from '@provisio/service-kit';
import { z } from 'zod';
import type { LiveFeed } from './live-feed.js';

/**
 * `GET /v1/notifications/stream`: server-sent events, one `notification.changed` event each time one of
 * the caller's notifications is created or changes; a comment line every heartbeat keeps proxies from closing
 * an idle stream. The listener and timer go away when the client does.
 */
export const streamRoutes: FastifyPluginAsyncZod<{ feed: LiveFeed; heartbeatMs: number }> = async (app, { feed, heartbeatMs }) => {
  app.get('/v1/notifications/stream', {
    onRequest: requireRole('admin', 'manager', 'employee'),
    schema: {
      tags: ['Notifications'],
      operationId: 'streamNotifications',
      summary: 'Live feed (text/event-stream): an event each time one of your notifications is created or changes',
      response: { 200: z.string().describe('text/event-stream; events named notification.changed, data { notificationId, employeeId, change, state, pendingItems }'), ...errorResponses(403) },
    },
  }, (request, reply) => {
    const principal = principalOf(request);
    reply.hijack();
    const response = reply.raw;
    response.writeHead(200, {
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      'x-accel-buffering': 'no',
      'x-request-id': request.id,
    });
    response.write('retry: 3000\n\n');
    response.write(`event: ready\ndata: ${JSON.stringify({ assigneeId: principal.id })}\n\n`);

    const unlisten = feed.listen(principal.companyId, principal.id, (change) => {
      const { notificationId, employeeId, change: kind, state, pendingItems, version } = change;
      response.write(`id: ${change.eventId}\nevent: notification.changed\ndata: ${JSON.stringify({ notificationId, employeeId, change: kind, state, pendingItems, version })}\n\n`);
    });
    const heartbeat = setInterval(() => response.write(': heartbeat\n\n'), heartbeatMs);
    const cleanup = () => {
      clearInterval(heartbeat);
      unlisten();
    };
    request.raw.on('close', cleanup);
    response.on('error', cleanup);
  });
};
