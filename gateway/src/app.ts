import { constants as zlib } from 'node:zlib';
import compress from '@fastify/compress';
import helmet from '@fastify/helmet';
import cors from '@fastify/cors';
import rateLimit from '@fastify/rate-limit';
import underPressure from '@fastify/under-pressure';
import type { Broker } from '@provisio/messaging';
import { createServiceApp, RateLimitedError, UnavailableError, type Logger, type Probes, type ServiceApp, type TokenVerifier } from '@provisio/service-kit';
import type { GatewayConfig } from './config.js';
import { devLoginRoutes, type DevDirectory } from './dev/dev-login.js';
import type { LiveFeed } from './live/live-feed.js';
import { streamRoutes } from './live/stream-route.js';
import { createOpenApiComposer, openApiRoutes } from './openapi/openapi-routes.js';
import { composedRoutes } from './routes/composed.js';
import { forwardRoutes } from './routes/forward.js';
import { hrEventRoutes } from './routes/hr-events.js';
import type { Upstream } from './upstream/client.js';
import type { ServiceUrls } from './upstream/services.js';
import { registerConsole } from './web/static-console.js';

export interface GatewayAppDeps {
  config: GatewayConfig;
  logger: Logger;
  verifier: TokenVerifier;
  probes: Probes;
  broker: Broker;
  upstream: Upstream;
  urls: ServiceUrls;
  feed: LiveFeed;
  devDirectory?: DevDirectory | undefined;
}

/** The gateway: protection first, then the gateway's own routes, the composed ones, the forwarded ones, docs and console. */
export async function buildGatewayApp(deps: GatewayAppDeps) {
  const { config } = deps;
  const app: ServiceApp = await createServiceApp({
    name: 'gateway',
    logger: deps.logger,
    verifier: deps.verifier,
    probes: deps.probes,
    openapi: { title: 'Provisio gateway', description: 'Routes the gateway answers itself or composes.', route: '/openapi/gateway.json' },
  });

  await app.register(helmet, {
    contentSecurityPolicy: {
      directives: {
        defaultSrc: ["'self'"],
        imgSrc: ["'self'", 'data:', 'https:'],
        styleSrc: ["'self'", "'unsafe-inline'"],
        scriptSrc: ["'self'"],
        connectSrc: ["'self'"],
      },
    },
  });
  // JSON answers (a checklist page, the access view, the CSV export) go compressed to clients that accept it:
  // Brotli at quality 4 costs about as much CPU as gzip and is smaller. The console's assets are precompressed
  // (static-console.ts) and the live feed writes to the socket itself, so neither passes through here.
  await app.register(compress, {
    global: true,
    encodings: ['br', 'gzip'],
    threshold: 1024,
    brotliOptions: { params: { [zlib.BROTLI_PARAM_QUALITY]: 4 } },
  });
  await app.register(cors, { origin: config.CORS_ORIGINS.length > 0 ? config.CORS_ORIGINS : false, credentials: false, exposedHeaders: ['x-request-id', 'etag', 'retry-after'] });
  await app.register(underPressure, {
    maxEventLoopDelay: 1_000,
    retryAfter: 5,
    exposeStatusRoute: false,
    customError: class extends UnavailableError {
      constructor() {
        super(5, 'The gateway (overloaded)');
      }
    } as never,
  });
  await app.register(rateLimit, {
    global: true,
    hook: 'preHandler',
    max: config.RATE_LIMIT_MAX,
    timeWindow: 60_000,
    keyGenerator: (request) => (request.principal ? `${request.principal.companyId}:${request.principal.id}` : request.ip),
    allowList: (request) => !request.url.startsWith('/v1/'),
    errorResponseBuilder: (_request, context) => new RateLimitedError(Math.ceil(context.ttl / 1000)),
  });

  await app.register(hrEventRoutes, { broker: deps.broker });
  await app.register(composedRoutes, { upstream: deps.upstream });
  await app.register(streamRoutes, { feed: deps.feed, heartbeatMs: config.SSE_HEARTBEAT_MS });
  if (deps.devDirectory && config.AUTH_JWT_SECRET) {
    deps.logger.warn('AUTH_DEV_LOGIN=true: anyone who reaches this gateway can sign in as anyone on the roster; never enable it in production');
    await app.register(devLoginRoutes, { directory: deps.devDirectory, secret: config.AUTH_JWT_SECRET, issuer: config.AUTH_ISSUER, audience: config.AUTH_AUDIENCE });
  }
  await app.register(forwardRoutes, { upstream: deps.upstream });

  const composer = createOpenApiComposer(app, deps.urls);
  await openApiRoutes(app, composer);
  await registerConsole(app, config.WEB_DIST_DIR);
  return { app, composer };
}
