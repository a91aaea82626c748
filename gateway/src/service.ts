import { connectBroker, ensureStreams } from '@provisio/messaging';
import { checkReadiness, createTokenVerifier, tokenVerifierOptions, type Logger } from '@provisio/service-kit';
import { buildGatewayApp } from './app.js';
import type { GatewayConfig } from './config.js';
import { createDevDirectory } from './dev/dev-login.js';
import { createLiveFeed } from './live/live-feed.js';
import { OpenApiClashError } from './openapi/compose.js';
import { createUpstream } from './upstream/client.js';
import { SERVICE_NAMES, serviceUrls } from './upstream/services.js';

/** Asks a service whether it is ready; its answer's detail is passed on in the gateway's readiness. */
async function serviceReady(url: string, signal: AbortSignal): Promise<unknown> {
  const response = await fetch(new URL('/health/ready', url), { signal });
  const body = (await response.json().catch(() => ({}))) as Record<string, unknown>;
  if (!response.ok) throw new Error(`not ready: ${JSON.stringify(body.checks ?? body)}`);
  return { status: 'ok', ...body };
}

/** Wires the gateway: broker (for HR events and the live feed), upstream services, docs, console. */
export async function createGateway(config: GatewayConfig, logger: Logger) {
  const broker = await connectBroker({ url: config.NATS_URL, name: 'gateway', namespace: config.NATS_NAMESPACE });
  try {
    await ensureStreams(broker.jsm, broker.ns, ['HR', 'NOTIFICATIONS'], { replicas: config.NATS_STREAM_REPLICAS });
    const urls = serviceUrls(config);
    const feed = createLiveFeed(broker, logger);
    const devDirectory = config.AUTH_DEV_LOGIN ? createDevDirectory(broker) : undefined;
    const probes = {
      nats: () => broker.ping(),
      ...Object.fromEntries(SERVICE_NAMES.map((name) => [name, (signal: AbortSignal) => serviceReady(urls[name], signal)])),
    };
    const { app, composer } = await buildGatewayApp({
      config,
      logger,
      verifier: createTokenVerifier(tokenVerifierOptions(config)),
      probes,
      broker,
      upstream: createUpstream(urls, config.UPSTREAM_TIMEOUT_MS),
      urls,
      feed,
      devDirectory,
    });
    await app.ready();
    return {
      app,
      composer,
      feed,
      async start() {
        feed.start();
        await devDirectory?.start();
      },
      /** Composes the API documentation, waiting up to `timeoutMs` for the services; a clash is fatal. */
      async composeDocs(timeoutMs: number) {
        const deadline = Date.now() + timeoutMs;
        for (;;) {
          try {
            await composer.compose();
            return true;
          } catch (error) {
            if (error instanceof OpenApiClashError) throw error;
            if (Date.now() > deadline) {
              logger.warn({ err: error }, 'services not answering yet; /openapi.json is composed on first request');
              return false;
            }
            await new Promise((resolve) => setTimeout(resolve, 250));
          }
        }
      },
      readiness: () => checkReadiness(probes),
      async close() {
        feed.stop();
        await devDirectory?.stop();
        await app.close();
        await broker.drain();
      },
    };
  } catch (error) {
    await broker.drain();
    throw error;
  }
}
export type Gateway = Awaited<ReturnType<typeof createGateway>>;
