import type { FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import { ForbiddenError, NotFoundError, principalOf } from '@provisio/service-kit';
import type { Upstream } from '../upstream/client.js';
import { forwardedPrefixes, matchRoute } from './route-table.js';

const passBackHeaders = ['content-type', 'etag', 'retry-after', 'location'];

/**
 * Forwards the `/v1` paths that one service answers alone, after checking the caller's role against the
 * contract's table. The service's answer (status, body, a few headers) goes back unchanged.
 */
export const forwardRoutes: FastifyPluginAsync<{ upstream: Upstream }> = async (app, { upstream }) => {
  async function forward(request: FastifyRequest, reply: FastifyReply) {
    const url = new URL(request.url, 'http://gateway');
    const match = matchRoute(request.method, url.pathname);
    if (!match) throw new NotFoundError(`There is no ${request.method} ${url.pathname}; see /docs for the API.`);
    if ('methodNotAllowed' in match) throw new NotFoundError(`${url.pathname} has no ${request.method}; see /docs for the API.`);
    const principal = principalOf(request);
    if (!match.roles.includes(principal.role)) throw new ForbiddenError();
    const response = await upstream.call(match.service, request, {
      method: request.method,
      path: url.pathname + url.search,
      ...(request.body === undefined ? {} : { body: request.body }),
    });
    for (const name of passBackHeaders) {
      const value = response.headers.get(name);
      if (value !== null) reply.header(name, value);
    }
    reply.code(response.status);
    return reply.send(response.body === '' ? undefined : response.body);
  }

  // Methods the gateway answers itself on the same path (composed answers) are registered before this.
  const methods = ['GET', 'POST', 'PATCH', 'PUT', 'DELETE'] as const;
  for (const prefix of forwardedPrefixes) {
    for (const url of [prefix, `${prefix}/*`]) {
      const free = methods.filter((method) => !app.hasRoute({ method, url }));
      if (free.length > 0) app.route({ method: [...free], url, schema: { hide: true }, handler: forward });
    }
  }
};
