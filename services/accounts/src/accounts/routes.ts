import { z } from 'zod';
import { errorResponses, principalOf, requireRole, ValidationFailedError, type FastifyPluginAsyncZod } from '@provisio/service-kit';
import { employeeParams } from '../employees/schemas.js';
import type { AccountReads } from './account-reads.js';
import { REASSIGN, type AccountService } from './account-service.js';
import { accountActions, isRequestAction } from './account-transitions.js';
import {
  checklistQuery,
  checklistSchema,
  employeeAccountsQuery,
  employeeAccountsSchema,
  historyQuery,
  historySchema,
} from './read-schemas.js';
import {
  accountParams,
  accountSchema,
  batchBody,
  batchResponse,
  plainActionBody,
  reassignBody,
  requestActionBody,
  toAccount,
} from './schemas.js';

const admins = requireRole('admin');
const profileReaders = requireRole('admin', 'manager', 'employee');

const actionSummaries: Record<(typeof accountActions)[number], string> = {
  'request-provisioning': 'Ask the assignee to create the account (from no_account or deprovisioned)',
  'mark-provisioned': 'Record that the account exists (from no_account, provisioning_requested or deprovisioned)',
  'request-deprovisioning': 'Ask the assignee to remove the account (from provisioned)',
  'mark-deprovisioned': 'Record that the account is gone (from provisioned or deprovisioning_requested)',
  'cancel-request': 'Withdraw the open request; the account goes back to where it was',
};

/** `If-Match: "3"` (or `3`, or `W/"3"`) → 3. */
function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw new ValidationFailedError([{ path: 'if-match', message: 'must be the account version, e.g. "3"', location: 'headers' }]);
  return Number(match[1]);
}

const operationId = (action: string) => action.replace(/-(\w)/g, (_, letter: string) => letter.toUpperCase());

export const accountRoutes: FastifyPluginAsyncZod<{ accounts: AccountService; reads: AccountReads }> = async (app, { accounts, reads }) => {
  const tags = ['Accounts'];

  app.get('/v1/providers/:providerId/accounts', {
    onRequest: admins,
    schema: {
      tags, operationId: 'listProviderAccounts',
      summary: "A provider's checklist: every active member, and terminated members who still hold access, by name",
      params: z.strictObject({ providerId: z.uuid() }),
      querystring: checklistQuery,
      response: { 200: checklistSchema, ...errorResponses(400, 403, 404) },
    },
  }, async (request) => reads.checklist(principalOf(request), request.params.providerId, request.query));

  // The contract's moves, and reassigning an open request: the same shape of route.
  const actionRoutes = [
    ...accountActions.map((action) => ({
      action,
      operationId: operationId(action),
      summary: actionSummaries[action],
      body: isRequestAction(action) ? requestActionBody : plainActionBody,
    })),
    {
      action: REASSIGN as typeof REASSIGN,
      operationId: 'reassignRequest',
      summary: "Give the open request another assignee (default: the provider's assignee for its direction); its status, due date and run stay",
      body: reassignBody,
    },
  ];
  for (const { action, operationId, summary, body } of actionRoutes) {
    app.post(`/v1/providers/:providerId/accounts/:employeeId/${action}`, {
      onRequest: admins,
      schema: {
        tags, operationId, summary,
        params: accountParams,
        headers: z.object({ 'if-match': z.string().optional().describe('The account version the action was decided on.') }),
        // No body at all is fine (Fastify hands the validator null then); an empty object too.
        body: body.nullish(),
        response: { 200: accountSchema, ...errorResponses(400, 403, 404, 409, 422) },
      },
    }, async (request, reply) => {
      const body: { note?: string | undefined; dueAt?: string | undefined; assigneeId?: string | undefined } = request.body ?? {};
      const row = await accounts.act(principalOf(request), {
        providerId: request.params.providerId,
        employeeId: request.params.employeeId,
        action,
        note: body.note,
        dueAt: body.dueAt,
        assigneeId: body.assigneeId,
        expectedVersion: expectedVersion(request.headers['if-match']),
      });
      return reply.header('etag', `"${row.version}"`).send(toAccount(row));
    });
  }

  app.post('/v1/accounts/batch', {
    onRequest: admins,
    schema: {
      tags, operationId: 'batchAccountActions',
      summary: 'Up to 500 account actions; each succeeds or fails on its own, results in order',
      body: batchBody,
      response: { 200: batchResponse, ...errorResponses(400, 403) },
    },
  }, async (request) => {
    const outcomes = await accounts.batch(principalOf(request), request.body.actions);
    return {
      results: outcomes.map((outcome) =>
        outcome.ok
          ? { ok: true, account: toAccount(outcome.row) }
          : { ok: false, error: { code: outcome.error.code, message: outcome.error.message, details: (outcome.error.details ?? []) as unknown[] | Record<string, unknown> } },
      ),
    };
  });

  app.get('/v1/employees/:employeeId/accounts', {
    onRequest: profileReaders,
    schema: {
      tags, operationId: 'listEmployeeAccounts',
      summary: "The profile's Provisioning section: one item per provider in use, no_account included, by provider name",
      params: employeeParams,
      querystring: employeeAccountsQuery,
      response: { 200: employeeAccountsSchema, ...errorResponses(400, 403, 404) },
    },
  }, async (request) => reads.employeeAccounts(principalOf(request), request.params.employeeId, request.query));

  app.get('/v1/employees/:employeeId/accounts/history', {
    onRequest: profileReaders,
    schema: {
      tags, operationId: 'listEmployeeAccountHistory',
      summary: "Every status change of the employee's accounts, newest first",
      params: employeeParams,
      querystring: historyQuery,
      response: { 200: historySchema, ...errorResponses(400, 403, 404) },
    },
  }, async (request) => reads.history(principalOf(request), request.params.employeeId, request.query));
};
