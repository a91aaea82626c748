import { Writable } from 'node:stream';
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod';
import { z } from 'zod';
import {
  createLogger,
  createServiceApp,
  createTokenVerifier,
  errorResponses,
  InvalidTransitionError,
  NotFoundError,
  principalOf,
  requireRole,
  signToken,
  type Probes,
  type Role,
  type ServiceApp,
  type TokenVerifier,
} from '../src/index.js';

export const secret = 'a-test-secret-that-is-long-enough-0123456789';
export const issuer = 'provisio';
export const audience = 'provisio-api';
export const companyId = 'c0mpany-1';

export function tokenFor(role: Role, overrides: { sub?: string; expiresInSeconds?: number } = {}): Promise<string> {
  return signToken({ secret, issuer, audience, sub: overrides.sub ?? 'emp-1', companyId, role, ...overrides });
}

const providerInput = z.strictObject({
  name: z.string().min(1),
  website: z.url().optional(),
  provisioning: z.strictObject({ assigneeId: z.uuid(), instructions: z.string().optional() }),
});

const provider = z.object({ id: z.string(), name: z.string(), companyId: z.string() });

/** Demo routes in the shape services write them. */
const demoRoutes: FastifyPluginAsyncZod = async (app) => {
  app.post(
    '/v1/providers',
    {
      onRequest: requireRole('admin'),
      schema: {
        summary: 'Create a provider',
        body: providerInput,
        response: { 201: provider, ...errorResponses(400, 403, 409, 422) },
      },
    },
    async (request, reply) => {
      const caller = principalOf(request);
      return reply.code(201).send({ id: 'p-1', name: request.body.name, companyId: caller.companyId });
    },
  );

  app.get(
    '/v1/providers/:providerId',
    {
      schema: {
        params: z.object({ providerId: z.uuid() }),
        querystring: z.object({ limit: z.coerce.number().int().max(500).optional() }),
        response: { 200: provider, ...errorResponses(400, 404) },
      },
    },
    async (request) => {
      if (request.params.providerId.startsWith('00000000')) throw new NotFoundError('Provider not found; check the id.');
      return { id: request.params.providerId, name: 'Slack', companyId: principalOf(request).companyId };
    },
  );

  app.post('/v1/accounts/request-provisioning', async () => {
    throw new InvalidTransitionError({ currentStatus: 'provisioned', allowed: ['request-deprovisioning'] });
  });

  app.get('/v1/bad-shape', { schema: { response: { 200: provider } } }, async () => {
    return { id: 'p-1' } as z.infer<typeof provider>;
  });

  app.get('/v1/boom', async () => {
    throw new Error('connect ECONNREFUSED 10.1.2.3:5432');
  });
};

export interface DemoApp {
  app: ServiceApp;
  /** Every log line the app wrote, parsed. */
  logs: Record<string, unknown>[];
}

export async function buildDemoApp(
  options: { probes?: Probes; verifier?: TokenVerifier; bodyLimit?: number } = {},
): Promise<DemoApp> {
  const logs: Record<string, unknown>[] = [];
  const destination = new Writable({
    write(chunk: Buffer, _encoding, done) {
      logs.push(JSON.parse(chunk.toString()) as Record<string, unknown>);
      done();
    },
  });
  const app = await createServiceApp({
    name: 'demo',
    version: '1.2.3',
    logger: createLogger({ name: 'demo', level: 'info', destination }),
    verifier: options.verifier ?? createTokenVerifier({ secret, issuer, audience }),
    probes: options.probes ?? {},
    probeTimeoutMs: 200,
    ...(options.bodyLimit === undefined ? {} : { bodyLimit: options.bodyLimit }),
    openapi: { title: 'Demo API', description: 'A service built with service-kit' },
  });
  await app.register(demoRoutes);
  await app.ready();
  return { app, logs };
}
