import { errorResponses, principalOf, requireRole, type FastifyPluginAsyncZod } from '@provisio/service-kit';
import { workflowParams } from '../definitions/schemas.js';
import type { RunService } from './run-service.js';
import { runListQuery, runListSchema, runParams, runSchema, startRunBody } from './schemas.js';

const admins = requireRole('admin');
const readers = requireRole('admin', 'manager', 'employee');
const tags = ['Workflow runs'];

/** Runs: admins start, cancel and read all; managers read their direct reports' and their own; employees their own. */
export const runRoutes: FastifyPluginAsyncZod<{ service: RunService }> = async (app, { service }) => {
  app.post('/v1/workflows/:workflowId/runs', {
    onRequest: admins,
    schema: {
      tags, operationId: 'startWorkflowRun', summary: 'Start the published version of a workflow for one employee by hand',
      params: workflowParams,
      body: startRunBody,
      response: { 201: runSchema, ...errorResponses(400, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const run = await service.start(principalOf(request), request.params.workflowId, request.body.employeeId);
    return reply.code(201).send(run);
  });

  app.get('/v1/workflow-runs', {
    onRequest: readers,
    schema: {
      tags, operationId: 'listWorkflowRuns', summary: 'List the runs the caller may see, newest first',
      querystring: runListQuery,
      response: { 200: runListSchema, ...errorResponses(400, 403) },
    },
  }, async (request) => service.list(principalOf(request), request.query));

  app.get('/v1/workflow-runs/:runId', {
    onRequest: readers,
    schema: {
      tags, operationId: 'getWorkflowRun', summary: 'Read one run with its tasks and items',
      params: runParams,
      response: { 200: runSchema, ...errorResponses(400, 403, 404) },
    },
  }, async (request) => service.get(principalOf(request), request.params.runId));

  app.post('/v1/workflow-runs/:runId/cancel', {
    onRequest: admins,
    schema: {
      tags, operationId: 'cancelWorkflowRun', summary: 'Cancel a running run; its still-open requests are cancelled',
      params: runParams,
      response: { 200: runSchema, ...errorResponses(400, 403, 404, 409) },
    },
  }, async (request) => service.cancel(principalOf(request), request.params.runId));
};
