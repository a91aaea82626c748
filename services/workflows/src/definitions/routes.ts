import { z } from 'zod';
import { errorResponses, principalOf, requireRole, type FastifyPluginAsyncZod } from '@provisio/service-kit';
import { expectedVersion } from '../if-match.js';
import type { DefinitionService } from './definition-service.js';
import {
  createWorkflowBody,
  patchWorkflowBody,
  workflowDetailSchema,
  workflowListQuery,
  workflowListSchema,
  workflowParams,
  workflowSchema,
} from './schemas.js';

const admins = requireRole('admin');
const tags = ['Workflows'];

/** Workflow definitions: admins only (contract section 2). */
export const definitionRoutes: FastifyPluginAsyncZod<{ service: DefinitionService }> = async (app, { service }) => {
  app.post('/v1/workflows', {
    onRequest: admins,
    schema: {
      tags, operationId: 'createWorkflow', summary: 'Create a workflow as a draft (version 1)',
      body: createWorkflowBody,
      response: { 201: workflowSchema, ...errorResponses(400, 403, 409, 422) },
    },
  }, async (request, reply) => {
    const workflow = await service.create(principalOf(request), request.body);
    return reply.code(201).header('etag', `"${workflow.version}"`).send(workflow);
  });

  app.get('/v1/workflows', {
    onRequest: admins,
    schema: {
      tags, operationId: 'listWorkflows', summary: 'List workflows by name, each with its latest version',
      querystring: workflowListQuery,
      response: { 200: workflowListSchema, ...errorResponses(400, 403) },
    },
  }, async (request) => service.list(principalOf(request), request.query));

  app.get('/v1/workflows/:workflowId', {
    onRequest: admins,
    schema: {
      tags, operationId: 'getWorkflow', summary: 'Read one workflow with all its versions',
      params: workflowParams,
      response: { 200: workflowDetailSchema, ...errorResponses(400, 403, 404) },
    },
  }, async (request, reply) => {
    const workflow = await service.get(principalOf(request), request.params.workflowId);
    return reply.header('etag', `"${workflow.version}"`).send(workflow);
  });

  app.patch('/v1/workflows/:workflowId', {
    onRequest: admins,
    schema: {
      tags, operationId: 'updateWorkflow',
      summary: 'Edit a workflow; a published one gets a new draft version (runs keep theirs). If-Match refuses stale edits',
      params: workflowParams,
      headers: z.object({ 'if-match': z.string().optional() }),
      body: patchWorkflowBody,
      response: { 200: workflowSchema, ...errorResponses(400, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const workflow = await service.patch(principalOf(request), request.params.workflowId, request.body, expectedVersion(request.headers['if-match']));
    return reply.header('etag', `"${workflow.version}"`).send(workflow);
  });

  app.post('/v1/workflows/:workflowId/publish', {
    onRequest: admins,
    schema: {
      tags, operationId: 'publishWorkflow', summary: 'Publish the latest version: from now on it is the one that triggers',
      params: workflowParams,
      response: { 200: workflowSchema, ...errorResponses(400, 403, 404, 409, 422) },
    },
  }, async (request) => service.publish(principalOf(request), request.params.workflowId));

  app.post('/v1/workflows/:workflowId/archive', {
    onRequest: admins,
    schema: {
      tags, operationId: 'archiveWorkflow', summary: 'Archive a workflow: it no longer triggers; started runs go on',
      params: workflowParams,
      response: { 200: workflowSchema, ...errorResponses(400, 403, 404) },
    },
  }, async (request) => service.archive(principalOf(request), request.params.workflowId));
};
