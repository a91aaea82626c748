import { z } from 'zod';
import { employeeId } from '@provisio/contracts';
import { errorResponses, requireRole, ValidationFailedError, type FastifyPluginAsyncZod } from '@provisio/service-kit';
import { TRACE_ORIGIN_HEADER, withSpanInTrace } from '@provisio/telemetry';
import type { Upstream } from '../upstream/client.js';

const statusCounts = z.object({
  provisioned: z.number().int(),
  provisioningRequested: z.number().int(),
  deprovisioningRequested: z.number().int(),
});

const providerWithCounts = z.looseObject({ id: z.string(), name: z.string(), counts: statusCounts.optional() }).meta({ id: 'ProviderWithCounts' });

interface SummaryItem {
  providerId?: string;
  provider?: { id: string };
  counts: Record<string, number>;
}

/** Reads a count under its contract name or the status name. */
function count(counts: Record<string, number>, camel: string, snake: string): number {
  return counts[camel] ?? counts[snake] ?? 0;
}

const employeeParams = z.strictObject({ employeeId });
const people = requireRole('admin', 'manager', 'employee');
const notificationParams = z.strictObject({ notificationId: z.uuid() });

interface NotificationItem {
  id: string;
  providerId: string;
  action: 'provision' | 'deprovision';
  state: 'pending' | 'done' | 'cancelled';
}

/**
 * The answers that need more than one service: the provider list with its account counts, the employee
 * profile, and completing a notification's requests on the accounts. Each asks the services with the
 * caller's token, so every service still decides what this caller may see.
 */
export const composedRoutes: FastifyPluginAsyncZod<{ upstream: Upstream }> = async (app, { upstream }) => {
  app.get('/v1/providers', {
    onRequest: people,
    schema: {
      tags: ['Providers'],
      operationId: 'listProviders',
      summary: 'List the providers in use, by name, each with its account counts (counts for admins only)',
      querystring: z.looseObject({ limit: z.string().optional(), cursor: z.string().optional(), q: z.string().optional() }),
      response: { 200: z.object({ items: z.array(providerWithCounts), nextCursor: z.string().nullable() }), ...errorResponses(400, 403, 503) },
    },
  }, async (request) => {
    const search = new URL(request.url, 'http://gateway').search;
    const isAdmin = request.principal?.role === 'admin';
    const list = await upstream.json<{ items: { id: string; name: string }[]; nextCursor: string | null }>('providers', request, { method: 'GET', path: `/v1/providers${search}` });
    if (!isAdmin || list.items.length === 0) return list;
    // The counts of exactly the providers on this page (a page holds at most 500).
    const ids = list.items.map((provider) => provider.id).join(',');
    const summary = await upstream.json<{ items: SummaryItem[] }>('accounts', request, { method: 'GET', path: `/v1/access/summary?limit=500&providerId=${ids}` });
    const byProvider = new Map(summary.items.map((item) => [item.providerId ?? item.provider?.id, item.counts]));
    return {
      ...list,
      items: list.items.map((provider) => {
        const counts = byProvider.get(provider.id) ?? {};
        return {
          ...provider,
          counts: {
            provisioned: count(counts, 'provisioned', 'provisioned'),
            provisioningRequested: count(counts, 'provisioningRequested', 'provisioning_requested'),
            deprovisioningRequested: count(counts, 'deprovisioningRequested', 'deprovisioning_requested'),
          },
        };
      }),
    };
  });

  app.get('/v1/employees/:employeeId/profile', {
    onRequest: people,
    schema: {
      tags: ['Employees'],
      operationId: 'getEmployeeProfile',
      summary: "One employee's profile: the person, the Provisioning section and the workflow runs, in one answer",
      params: employeeParams,
      response: {
        200: z.object({ employee: z.looseObject({ id: z.string() }), accounts: z.array(z.looseObject({})), workflowRuns: z.array(z.looseObject({})) }).meta({ id: 'EmployeeProfile' }),
        ...errorResponses(403, 404, 503),
      },
    },
  }, async (request) => {
    const id = encodeURIComponent(request.params.employeeId);
    const [employee, accounts, runs] = await Promise.all([
      upstream.json<{ id: string }>('accounts', request, { method: 'GET', path: `/v1/employees/${id}` }),
      upstream.json<{ items: Record<string, unknown>[] }>('accounts', request, { method: 'GET', path: `/v1/employees/${id}/accounts?limit=500` }),
      upstream.json<{ items: Record<string, unknown>[] }>('workflows', request, { method: 'GET', path: `/v1/workflow-runs?employeeId=${id}&limit=100` }),
    ]);
    return { employee, accounts: accounts.items, workflowRuns: runs.items };
  });

  app.post('/v1/notifications/:notificationId/complete', {
    onRequest: people,
    schema: {
      tags: ['Notifications'],
      operationId: 'completeNotification',
      summary: "Mark the notification's pending requests provisioned / deprovisioned (all, or the items named)",
      params: notificationParams,
      body: z.strictObject({ itemIds: z.array(z.uuid()).min(1).max(500).optional() }).nullish(),
      response: { 200: z.object({ results: z.array(z.looseObject({ ok: z.boolean() })) }), ...errorResponses(400, 403, 404, 503) },
    },
  }, async (request) => {
    const { body: notification, headers } = await upstream.jsonWithHeaders<{ employee: { id: string }; items: NotificationItem[] }>('notifications', request, {
      method: 'GET',
      path: `/v1/notifications/${request.params.notificationId}`,
    });
    const wanted = request.body?.itemIds;
    if (wanted) {
      const known = new Set(notification.items.map((item) => item.id));
      const unknown = wanted.filter((itemId) => !known.has(itemId));
      if (unknown.length > 0) {
        throw new ValidationFailedError(unknown.map((itemId) => ({ path: 'itemIds', message: `item ${itemId} is not in this notification`, location: 'body' as const })));
      }
    }
    const items = notification.items.filter((item) => item.state === 'pending' && (!wanted || wanted.includes(item.id)));
    if (items.length === 0) return { results: [] };
    // The requests began with the hire (or the termination): carrying them out continues that trace, in a span
    // linked to this request's own, so an operator sees the whole journey of the hire in one trace.
    const batch = await withSpanInTrace(
      'complete notification',
      headers.get(TRACE_ORIGIN_HEADER),
      () =>
        upstream.json<{ results: { ok: boolean }[] }>('accounts', request, {
          method: 'POST',
          path: '/v1/accounts/batch',
          body: {
            actions: items.map((item) => ({
              providerId: item.providerId,
              employeeId: notification.employee.id,
              action: item.action === 'provision' ? 'mark-provisioned' : 'mark-deprovisioned',
            })),
          },
        }),
      { 'provisio.notification.id': request.params.notificationId },
    );
    return { results: batch.results.map((result, index) => ({ itemId: items[index]!.id, ...result })) };
  });
};
