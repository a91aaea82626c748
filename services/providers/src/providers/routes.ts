import { z } from 'zod';
import { errorResponses, principalOf, requireRole, ValidationFailedError, type FastifyPluginAsyncZod } from '@provisio/service-kit';
import type { ProviderService } from './provider-service.js';
import { createProviderBody, listQuery, patchProviderBody, providerListSchema, providerParams, providerSchema } from './schemas.js';

const readers = requireRole('admin', 'manager', 'employee');
const writers = requireRole('admin');
const tags = ['Providers'];

/** `If-Match: "3"` (or `3`, or a weak `W/"3"`) → 3. */
function expectedVersion(header: string | undefined): number | undefined {
  if (header === undefined) return undefined;
  const match = /^(?:W\/)?"?(\d+)"?$/.exec(header.trim());
  if (!match) throw new ValidationFailedError([{ path: 'if-match', message: 'must be the provider version, e.g. "3"', location: 'headers' }]);
  return Number(match[1]);
}

export const providerRoutes: FastifyPluginAsyncZod<{ service: ProviderService }> = async (app, { service }) => {
  app.post('/v1/providers', {
    onRequest: writers,
    schema: {
      tags, operationId: 'createProvider', summary: 'Register a provider (an app) with its assignees',
      body: createProviderBody,
      response: { 201: providerSchema, ...errorResponses(400, 403, 409, 422) },
    },
  }, async (request, reply) => {
    const provider = await service.create(principalOf(request), request.body);
    return reply.code(201).header('etag', `"${provider.version}"`).send(provider);
  });

  app.get('/v1/providers', {
    onRequest: readers,
    schema: {
      tags, operationId: 'listProviders', summary: 'List the providers in use, by name',
      querystring: listQuery,
      response: { 200: providerListSchema, ...errorResponses(400, 403) },
    },
  }, async (request) => service.list(principalOf(request), request.query));

  app.get('/v1/providers/:providerId', {
    onRequest: readers,
    schema: {
      tags, operationId: 'getProvider', summary: 'Read one provider',
      params: providerParams,
      response: { 200: providerSchema, ...errorResponses(403, 404) },
    },
  }, async (request, reply) => {
    const provider = await service.get(principalOf(request), request.params.providerId);
    return reply.header('etag', `"${provider.version}"`).send(provider);
  });

  app.patch('/v1/providers/:providerId', {
    onRequest: writers,
    schema: {
      tags, operationId: 'updateProvider', summary: 'Change a provider; send If-Match with its version to refuse stale edits',
      params: providerParams,
      headers: z.object({ 'if-match': z.string().optional() }),
      body: patchProviderBody,
      response: { 200: providerSchema, ...errorResponses(400, 403, 404, 409, 422) },
    },
  }, async (request, reply) => {
    const provider = await service.patch(principalOf(request), request.params.providerId, request.body, expectedVersion(request.headers['if-match']));
    return reply.header('etag', `"${provider.version}"`).send(provider);
  });

  app.delete('/v1/providers/:providerId', {
    onRequest: writers,
    schema: {
      tags, operationId: 'archiveProvider', summary: 'Archive a provider: it leaves lists; history stays',
      params: providerParams,
      response: { 204: z.null().describe('Archived'), ...errorResponses(403, 404) },
    },
  }, async (request, reply) => {
    await service.archive(principalOf(request), request.params.providerId);
    return reply.code(204).send(null);
  });
};
