import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import Fastify, { LogController, type FastifyBaseLogger, type FastifyInstance, type RawServerDefault } from 'fastify';
import { serializerCompiler, validatorCompiler, type ZodTypeProvider } from 'fastify-type-provider-zod';
import { fastifyTelemetry } from '@provisio/telemetry';
import { authPlugin, type TokenVerifier } from './auth.js';
import { frameworkErrorHandler, installErrorHandling } from './error-handler.js';
import { healthRoutes, type Probes } from './health.js';
import type { Logger } from './logger.js';
import { registerOpenApi } from './openapi.js';

export type ServiceApp = FastifyInstance<
  RawServerDefault,
  IncomingMessage,
  ServerResponse,
  FastifyBaseLogger,
  ZodTypeProvider
>;

export interface ServiceAppOptions {
  name: string;
  version?: string;
  logger: Logger;
  verifier: TokenVerifier;
  /** Readiness probes, e.g. `{ database: () => db.ping(), nats: () => nc.flush() }`. */
  probes: Probes;
  probeTimeoutMs?: number;
  /** Largest accepted body in bytes; default 1 MiB. */
  bodyLimit?: number;
  openapi?: { title: string; description?: string; route?: string };
}

const defaultBodyLimit = 1024 * 1024;

/** A caller's request id is kept when it is a plain token (it is echoed into headers and logs). */
const saneRequestId = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,127}$/;

export function requestIdOf(request: IncomingMessage): string {
  const incoming = request.headers['x-request-id'];
  return typeof incoming === 'string' && saneRequestId.test(incoming) ? incoming : randomUUID();
}

/** Content types read as JSON besides application/json, e.g. application/cloudevents+json (contract section 4). */
const jsonSuffixContentType = /^application\/[a-z0-9.!#$%&'*^_`|~-]+\+json$/i;

/**
 * The Fastify bootstrap every process uses: zod validation and serialization, the contract's errors, request
 * ids, bearer auth on `/v1`, health routes and `/openapi.json`. It never listens; `server.ts` does.
 * Register routes afterwards (`await app.register(routes)`), then `await app.ready()`.
 */
export async function createServiceApp(options: ServiceAppOptions): Promise<ServiceApp> {
  const app = Fastify({
    // Typed as Fastify's logger so every instance, plugin and hook agrees on one logger type.
    loggerInstance: options.logger as FastifyBaseLogger,
    bodyLimit: options.bodyLimit ?? defaultBodyLimit,
    trustProxy: true,
    genReqId: requestIdOf,
    logController: new LogController({ requestIdLogLabel: 'requestId' }),
    frameworkErrors: frameworkErrorHandler,
  });

  // Spans per request and hook, HTTP metrics per route, `/metrics`: first, so it sees every route and hook.
  // Adds nothing unless the process started telemetry (`--import @provisio/telemetry/register`).
  await app.register(fastifyTelemetry);

  app.setValidatorCompiler(validatorCompiler);
  app.setSerializerCompiler(serializerCompiler);
  installErrorHandling(app);
  // A JSON body is the only body a Provisio API reads: text/plain is no longer parsed (it answers 400
  // MALFORMED_REQUEST instead of a confusing VALIDATION_FAILED), and `+json` types are read as JSON.
  app.removeContentTypeParser('text/plain');
  // An empty body is no body, whatever its Content-Type says (`curl -X POST -H 'content-type: application/json'`
  // on an action that takes none); anything else must be JSON.
  const parseJson = app.getDefaultJsonParser('error', 'error');
  const jsonOrNothing: Parameters<typeof app.addContentTypeParser>[2] = (request, body, done) => {
    if (body === '' || (typeof body === 'string' && body.trim() === '')) {
      done(null, undefined);
      return;
    }
    (parseJson as (request: unknown, body: string, done: (error: Error | null, value?: unknown) => void) => void)(request, body as string, done);
  };
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'string' }, jsonOrNothing);
  app.addContentTypeParser(jsonSuffixContentType, { parseAs: 'string' }, jsonOrNothing);

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
  });

  await registerOpenApi(app, {
    title: options.openapi?.title ?? options.name,
    version: options.version ?? '0.0.0',
    ...(options.openapi?.description === undefined ? {} : { description: options.openapi.description }),
    ...(options.openapi?.route === undefined ? {} : { route: options.openapi.route }),
  });
  await app.register(authPlugin, { verifier: options.verifier });
  await app.register(healthRoutes, {
    probes: options.probes,
    ...(options.probeTimeoutMs === undefined ? {} : { probeTimeoutMs: options.probeTimeoutMs }),
  });

  return app.withTypeProvider<ZodTypeProvider>();
}
