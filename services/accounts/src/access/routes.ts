import { errorResponses, principalOf, requireRole, type FastifyPluginAsyncZod } from '@provisio/service-kit';
import type { AccessService } from './access-service.js';
import { accessListSchema, accessQuery, risksQuery, risksSchema, summaryQuery, summarySchema } from './schemas.js';

const admins = requireRole('admin');
const tags = ['Access'];

export const accessRoutes: FastifyPluginAsyncZod<{ access: AccessService }> = async (app, { access }) => {
  app.get('/v1/access', {
    onRequest: admins,
    schema: {
      tags, operationId: 'listAccess',
      summary: 'Every account that is not no_account, by employee then provider name',
      querystring: accessQuery,
      response: { 200: accessListSchema, ...errorResponses(400, 403) },
    },
  }, async (request) => access.list(principalOf(request), request.query));

  app.get('/v1/access/summary', {
    onRequest: admins,
    schema: {
      tags, operationId: 'accessSummary',
      summary: 'Per provider in use, its accounts counted by status (the gateway fills provider `counts` from it)',
      querystring: summaryQuery,
      response: { 200: summarySchema, ...errorResponses(400, 403) },
    },
  }, async (request) => access.summary(principalOf(request), request.query));

  app.get('/v1/access/risks', {
    onRequest: admins,
    schema: {
      tags, operationId: 'accessRisks',
      summary: 'Accounts still provisioned (or awaiting deprovisioning) of terminated employees, oldest termination first',
      querystring: risksQuery,
      response: { 200: risksSchema, ...errorResponses(400, 403) },
    },
  }, async (request) => access.risks(principalOf(request), request.query));
};
