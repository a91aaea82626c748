import { existsSync } from 'node:fs';
import { resolve } from 'node:path';
import fastifyStatic from '@fastify/static';
import type { FastifyInstance } from 'fastify';
import { NotFoundError } from '@provisio/service-kit';

/**
 * Serves the built console at `/`: hashed assets cached for a year, `index.html` never cached, and every
 * other non-API path answered with `index.html` so the console's own router takes it (SPA fallback). The
 * build writes a `.br` and a `.gz` beside each file (web/vite.config.ts): a browser that accepts them gets
 * those, with `Content-Encoding` and `Vary: Accept-Encoding` (the initial JS is 325 KB as is, 88 KB as Brotli).
 */
export async function registerConsole(app: FastifyInstance, distDir: string): Promise<boolean> {
  const root = resolve(distDir);
  if (!existsSync(resolve(root, 'index.html'))) {
    app.log.warn({ root }, 'the web console is not built; / will answer 404 (npm start builds it)');
    return false;
  }
  await app.register(fastifyStatic, {
    root,
    wildcard: false,
    index: false,
    preCompressed: true,
    setHeaders(response, path) {
      response.header('cache-control', path.includes('/assets/') ? 'public, max-age=31536000, immutable' : 'no-cache');
    },
  });
  const sendIndex = (_request: unknown, reply: { header(k: string, v: string): unknown; sendFile(file: string, root: string): unknown }) => {
    reply.header('cache-control', 'no-cache');
    return reply.sendFile('index.html', root);
  };
  app.get('/', { schema: { hide: true } }, sendIndex as never);
  app.get('/*', { schema: { hide: true } }, async (request, reply) => {
    const path = request.url.split('?', 1)[0]!;
    if (path.startsWith('/v1/') || path.startsWith('/health/') || /\.[a-z0-9]+$/i.test(path)) {
      // A file that is not there, or an API path nobody answers: a plain 404 in the contract's format.
      if (/\.[a-z0-9]+$/i.test(path) && !path.startsWith('/v1/')) {
        const file = resolve(root, `.${path}`);
        if (file.startsWith(root) && existsSync(file)) return reply.sendFile(path.slice(1), root);
      }
      throw new NotFoundError(`Nothing at ${path}.`);
    }
    return sendIndex(request, reply as never);
  });
  return true;
}
