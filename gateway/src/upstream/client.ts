import type { FastifyRequest } from 'fastify';
import { AppError, UnavailableError } from '@provisio/service-kit';
import type { ServiceName, ServiceUrls } from './services.js';

export interface UpstreamResponse {
  status: number;
  headers: Headers;
  body: string;
}

/** Headers a service needs from the caller's request: who it is, and the request id. */
function forwardedHeaders(request: FastifyRequest): Record<string, string> {
  const headers: Record<string, string> = { 'x-request-id': request.id };
  const pass = ['authorization', 'if-match', 'accept-language', 'x-forwarded-for'];
  for (const name of pass) {
    const value = request.headers[name];
    if (typeof value === 'string') headers[name] = value;
  }
  return headers;
}

/**
 * Calls the services on behalf of the caller, with the caller's token (services verify it again) and a
 * deadline. A service that does not answer in time, or at all, is a 503 UNAVAILABLE, never a hang.
 */
export function createUpstream(urls: ServiceUrls, timeoutMs: number) {
  async function call(
    service: ServiceName,
    request: FastifyRequest,
    init: { method: string; path: string; body?: unknown },
  ): Promise<UpstreamResponse> {
    const headers = forwardedHeaders(request);
    let body: string | undefined;
    if (init.body !== undefined) {
      headers['content-type'] = 'application/json';
      body = JSON.stringify(init.body);
    }
    try {
      const response = await fetch(new URL(init.path, urls[service]), {
        method: init.method,
        headers,
        ...(body === undefined ? {} : { body }),
        signal: AbortSignal.timeout(timeoutMs),
      });
      return { status: response.status, headers: response.headers, body: await response.text() };
    } catch (error) {
      request.log.warn({ err: error, service }, 'service did not answer');
      throw new UnavailableError(5, `The ${service} service`, { cause: error });
    }
  }

  /** Calls and parses a JSON answer, with the answer's headers; an error answer is passed on as it is. */
  async function jsonWithHeaders<T>(
    service: ServiceName,
    request: FastifyRequest,
    init: { method: string; path: string; body?: unknown },
  ): Promise<{ body: T; headers: Headers }> {
    const response = await call(service, request, init);
    let parsed: unknown;
    try {
      parsed = response.body ? (JSON.parse(response.body) as unknown) : undefined;
    } catch (error) {
      request.log.warn({ err: error, service, status: response.status }, 'service answered something that is not JSON');
      throw new UnavailableError(5, `The ${service} service`, { cause: error });
    }
    if (response.status >= 400) throw UpstreamError.from(response.status, parsed, response.headers.get('retry-after'));
    return { body: parsed as T, headers: response.headers };
  }

  return {
    call,
    jsonWithHeaders,
    /** Calls and parses a JSON answer; an error answer is passed on to the caller as it is. */
    async json<T>(service: ServiceName, request: FastifyRequest, init: { method: string; path: string; body?: unknown }): Promise<T> {
      return (await jsonWithHeaders<T>(service, request, init)).body;
    },
  };
}
export type Upstream = ReturnType<typeof createUpstream>;

/** A service's error answer, relayed as the service gave it. */
export class UpstreamError extends AppError {
  static from(status: number, body: unknown, retryAfter: string | null): UpstreamError | UnavailableError {
    const error = (body as { error?: { code?: string; message?: string; details?: unknown } } | undefined)?.error;
    // A 5xx, or an answer without the contract's error body, is the service being unavailable.
    if (status >= 500 || !error?.code) return new UnavailableError(Number(retryAfter) > 0 ? Number(retryAfter) : 5, 'A service');
    return new UpstreamError(status, error.code, error.message ?? 'The request was refused.', error.details);
  }
  private constructor(status: number, code: string, message: string, details: unknown) {
    super(status, code as never, message, details === undefined ? {} : { details: details as never });
  }
}
