import type { FastifyInstance, FastifyReply, FastifyRequest, FastifySchemaValidationError } from 'fastify';
import { ResponseSerializationError } from 'fastify-type-provider-zod';
import {
  AppError,
  errorBody,
  ForbiddenError,
  MalformedRequestError,
  NotFoundError,
  PayloadTooLargeError,
  RateLimitedError,
  UnauthenticatedError,
  UnavailableError,
  ValidationFailedError,
  type FieldIssue,
} from './errors.js';

type Location = NonNullable<FieldIssue['location']>;

interface RequestValidationError {
  validation: FastifySchemaValidationError[];
  validationContext?: string;
}

const defaultRetryAfterSeconds = 5;

function property(value: unknown, key: string): unknown {
  return typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined;
}

function isRequestValidationError(error: unknown): error is RequestValidationError {
  const validation = property(error, 'validation');
  return Array.isArray(validation) && validation.length > 0;
}

function locationOf(context: string | undefined): Location {
  if (context === 'querystring') return 'query';
  if (context === 'params' || context === 'headers') return context;
  return 'body';
}

function inputOf(request: FastifyRequest, location: Location): unknown {
  if (location === 'query') return request.query;
  if (location === 'params') return request.params;
  if (location === 'headers') return request.headers;
  return request.body;
}

function segmentsOf(instancePath: string): string[] {
  return instancePath
    .split('/')
    .filter((segment) => segment !== '')
    .map((segment) => segment.replaceAll('~1', '/').replaceAll('~0', '~'));
}

function valueAt(input: unknown, segments: readonly string[]): unknown {
  return segments.reduce<unknown>((value, segment) => property(value, segment), input);
}

/**
 * One `{ path, message, location }` per problem. Works for the zod validator (keywords are zod issue codes)
 * and for plain JSON-schema routes (ajv keywords), so a route that is not zod-typed still answers in contract form.
 */
function fieldIssues(error: RequestValidationError, request: FastifyRequest): FieldIssue[] {
  const location = locationOf(error.validationContext);
  const input = inputOf(request, location);
  return error.validation.flatMap((issue): FieldIssue[] => {
    const segments = segmentsOf(issue.instancePath);
    const at = (...more: string[]) => [...segments, ...more].join('.');
    const params = issue.params as Record<string, unknown>;

    if (issue.keyword === 'unrecognized_keys' && Array.isArray(params.keys)) {
      return params.keys.map((key) => ({ path: at(String(key)), message: 'is not a known field; remove it', location }));
    }
    if (issue.keyword === 'additionalProperties' && typeof params.additionalProperty === 'string') {
      return [{ path: at(params.additionalProperty), message: 'is not a known field; remove it', location }];
    }
    if (issue.keyword === 'required' && typeof params.missingProperty === 'string') {
      return [{ path: at(params.missingProperty), message: 'is required', location }];
    }
    if (issue.keyword === 'invalid_type' && valueAt(input, segments) === undefined) {
      const message = segments.length === 0 ? `a JSON object is required in the request ${location}` : 'is required';
      return [{ path: at(), message, location }];
    }
    return [{ path: at(), message: issue.message ?? 'is invalid', location }];
  });
}

const malformedMessages: Record<string, string> = {
  FST_ERR_CTP_INVALID_JSON_BODY: 'The request body is not valid JSON; fix the JSON and retry.',
  FST_ERR_CTP_EMPTY_JSON_BODY:
    'The request body is empty but Content-Type is application/json; send a JSON body or drop the header.',
  FST_ERR_CTP_INVALID_CONTENT_LENGTH: 'The Content-Length header does not match the body; resend the request.',
  FST_ERR_BAD_URL: 'The URL is not valid; check its percent-encoding.',
  FST_ERR_MAX_PARAM_LENGTH: 'A path parameter is too long; check the URL.',
};

/**
 * A dependency (the database, the broker) that cannot be reached or dropped the connection: a 503 the client
 * may retry, not a 500. Socket errors, PostgreSQL's connection classes 08 and 57P0x, pg's pool timeouts.
 */
function isConnectionFailure(error: unknown): boolean {
  const code = property(error, 'code');
  if (typeof code === 'string' && (/^(ECONNREFUSED|ECONNRESET|ETIMEDOUT|EPIPE|ENOTFOUND|EHOSTUNREACH)$/.test(code) || /^(08|57P0)/.test(code))) {
    return true;
  }
  const message = error instanceof Error ? error.message : '';
  return /timeout exceeded when trying to connect|Connection terminated|CONNECTION_CLOSED|cannot reach/i.test(message);
}

function internalError(cause: unknown): AppError {
  return new AppError(500, 'INTERNAL', 'Something went wrong on our side; retry later, or report the request id.', {
    cause,
  });
}

/** What the client is told about an error. Anything not recognised is a 500 with a generic message. */
export function toAppError(error: unknown, request: FastifyRequest, reply?: FastifyReply): AppError {
  if (error instanceof AppError) return error;
  if (isRequestValidationError(error)) {
    const issues = fieldIssues(error, request);
    const location = issues[0]?.location ?? 'body';
    return new ValidationFailedError(
      issues,
      `The request ${location} does not match the schema; fix the fields listed in details and retry.`,
    );
  }

  const code = property(error, 'code');
  if (code === 'FST_ERR_CTP_BODY_TOO_LARGE') return new PayloadTooLargeError(request.routeOptions.bodyLimit);
  if (code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE') {
    const type = request.headers['content-type'] ?? 'none';
    return new MalformedRequestError(
      `Content-Type ${JSON.stringify(type.slice(0, 100))} is not accepted; send the body as application/json.`,
    );
  }
  if (typeof code === 'string' && code in malformedMessages) {
    return new MalformedRequestError(malformedMessages[code], { cause: error });
  }

  // Other errors that carry a 4xx status (Fastify's own, plugins such as rate limiting) keep their meaning.
  const statusCode = property(error, 'statusCode');
  if (typeof statusCode === 'number' && statusCode >= 400 && statusCode < 500) {
    if (statusCode === 401) return new UnauthenticatedError(undefined, { cause: error });
    if (statusCode === 403) return new ForbiddenError();
    if (statusCode === 404) return new NotFoundError();
    if (statusCode === 413) return new PayloadTooLargeError(request.routeOptions.bodyLimit);
    if (statusCode === 429) {
      const retryAfter = Number(reply?.getHeader('retry-after'));
      return new RateLimitedError(Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter : defaultRetryAfterSeconds);
    }
    const message = error instanceof Error && error.message !== '' ? error.message : 'The request was refused.';
    return new MalformedRequestError(`${message.slice(0, 300)}; fix the request and retry.`, { cause: error });
  }
  if (statusCode === 503) return new UnavailableError(defaultRetryAfterSeconds, 'The service', { cause: error });
  if (isConnectionFailure(error)) return new UnavailableError(defaultRetryAfterSeconds, 'A dependency', { cause: error });
  return internalError(error);
}

/** Answers with the contract's error body, `x-request-id` and, when there is one, `Retry-After`. */
export function sendError(request: FastifyRequest, reply: FastifyReply, error: AppError): FastifyReply {
  reply.header('x-request-id', request.id);
  if (error.retryAfterSeconds !== undefined) reply.header('retry-after', String(error.retryAfterSeconds));
  return reply
    .code(error.statusCode)
    .type('application/json; charset=utf-8')
    .send(errorBody(error.code, error.message, request.id, error.details));
}

function logError(request: FastifyRequest, original: unknown, answered: AppError): void {
  if (original instanceof ResponseSerializationError) {
    // A handler answered something its own response schema does not allow: a bug, answered as a 500.
    request.log.error(
      { err: original, req: request, issues: original.cause.issues },
      'response does not match its schema',
    );
  } else if (answered.code === 'INTERNAL') {
    // The request and the full error (stack, cause) go to the log; the body says only what is safe.
    request.log.error({ err: original, req: request, code: answered.code }, 'request failed');
  } else if (answered.statusCode >= 500) {
    request.log.warn({ err: original, code: answered.code }, 'request answered unavailable');
  } else {
    const reason = answered.cause instanceof Error ? answered.cause.message : undefined;
    request.log.debug({ code: answered.code, statusCode: answered.statusCode, reason }, 'request refused');
  }
}

/** Handles every error and unknown route of the app (and of all its plugins) in contract form. */
export function installErrorHandling(app: FastifyInstance): void {
  app.setErrorHandler((error: unknown, request, reply) => {
    const answered = toAppError(error, request, reply);
    logError(request, error, answered);
    return sendError(request, reply, answered);
  });
  app.setNotFoundHandler((request, reply) => {
    const path = (request.url.split('?', 1)[0] ?? '').slice(0, 200);
    return sendError(
      request,
      reply,
      new NotFoundError(`No route ${request.method} ${path} exists; check the path and the method.`),
    );
  });
}

/** For Fastify's `frameworkErrors` option: errors raised before routing (bad URL encoding) in contract form. */
export function frameworkErrorHandler(error: unknown, request: FastifyRequest, reply: FastifyReply): void {
  const answered = toAppError(error, request, reply);
  logError(request, error, answered);
  void sendError(request, reply, answered);
}
