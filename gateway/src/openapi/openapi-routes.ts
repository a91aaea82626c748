import type { FastifyInstance } from 'fastify';
import swaggerUi from '@fastify/swagger-ui';
import { buildAsyncApi } from '@provisio/contracts';
import { UnavailableError } from '@provisio/service-kit';
import { SERVICE_NAMES, type ServiceUrls } from '../upstream/services.js';
import { composeOpenApi, type OpenApiDocument } from './compose.js';

async function fetchDocument(url: string): Promise<OpenApiDocument> {
  const response = await fetch(new URL('/openapi.json', url), { signal: AbortSignal.timeout(3_000) });
  if (!response.ok) throw new Error(`${url}/openapi.json answered ${response.status}`);
  return (await response.json()) as OpenApiDocument;
}

/**
 * The composed `/openapi.json` and Swagger UI at `/docs`. The document is composed once every service has
 * answered; a clash between services is an error (thrown from `compose`, so start-up can refuse).
 */
export function createOpenApiComposer(app: FastifyInstance, urls: ServiceUrls) {
  let composed: OpenApiDocument | undefined;
  async function compose(): Promise<OpenApiDocument> {
    if (composed) return composed;
    const documents = await Promise.all(SERVICE_NAMES.map(async (name) => [name, await fetchDocument(urls[name])] as const));
    composed = composeOpenApi(app.swagger() as unknown as OpenApiDocument, Object.fromEntries(documents));
    return composed;
  }
  return { compose };
}

export async function openApiRoutes(app: FastifyInstance, composer: ReturnType<typeof createOpenApiComposer>) {
  app.get('/openapi.json', { schema: { hide: true } }, async () => {
    try {
      return await composer.compose();
    } catch (error) {
      app.log.warn({ err: error }, 'API documentation not composed yet');
      throw new UnavailableError(5, 'The API documentation (a service is not answering)', { cause: error });
    }
  });
  const asyncApi = buildAsyncApi();
  app.get('/asyncapi.json', { schema: { hide: true } }, async () => asyncApi);
  await app.register(swaggerUi, { routePrefix: '/docs', uiConfig: { url: '/openapi.json', deepLinking: true } });
}
