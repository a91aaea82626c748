import swagger from '@fastify/swagger';
import type { FastifyInstance, FastifySchema } from 'fastify';
import { jsonSchemaTransform, jsonSchemaTransformObject } from 'fastify-type-provider-zod';
import { z } from 'zod';
import { isProtectedPath } from './auth.js';
import { errorCodes } from './errors.js';

/** The contract's error body (section 3). */
export const errorBodySchema = z.object({
  error: z.object({
    code: z.enum(errorCodes).describe('Stable error code; clients branch on it.'),
    message: z.string().describe('Human-readable; says what to do.'),
    requestId: z.string().describe('Also in the x-request-id header; quote it when reporting a problem.'),
    details: z
      .union([z.array(z.unknown()), z.record(z.string(), z.unknown())])
      .describe(
        'VALIDATION_FAILED: [{ path, message, location }]; INVALID_TRANSITION: { currentStatus, allowed }; otherwise usually [].',
      ),
  }),
}).meta({ id: 'ErrorBody', description: "The contract's error body" });
export type ErrorBodySchema = typeof errorBodySchema;

const errorDescriptions = {
  400: 'VALIDATION_FAILED (body, query or params do not match; details lists each field) or MALFORMED_REQUEST',
  401: 'UNAUTHENTICATED: no token, bad signature, expired, wrong issuer or audience',
  403: 'FORBIDDEN: the role may not do this',
  404: "NOT_FOUND: no such record in the caller's company",
  409: 'INVALID_TRANSITION (details: { currentStatus, allowed }) or CONFLICT',
  413: 'PAYLOAD_TOO_LARGE: body over the limit',
  422: 'INVALID_REFERENCE: a referenced id is wrong',
  429: 'RATE_LIMITED: retry after the Retry-After header',
  500: 'INTERNAL: unexpected; retry later or report the request id',
  503: 'UNAVAILABLE: a dependency is down; retry after the Retry-After header',
} as const;

export type ErrorStatus = keyof typeof errorDescriptions;

/** One documented error response: its meaning, and the error body (a `$ref` to the `ErrorBody` component). */
export interface ErrorResponse {
  description: string;
  content: { 'application/json': { schema: ErrorBodySchema } };
}

/**
 * Error responses for a route's `schema.response`: `response: { 200: Provider, ...errorResponses(400, 404) }`.
 * 401 is added to every `/v1` route's documentation automatically.
 */
export function errorResponses<const Statuses extends readonly ErrorStatus[]>(
  ...statuses: Statuses
): { [Status in Statuses[number]]: ErrorResponse } {
  return Object.fromEntries(
    statuses.map((status) => [
      status,
      { description: errorDescriptions[status], content: { 'application/json': { schema: errorBodySchema } } },
    ]),
  ) as { [Status in Statuses[number]]: ErrorResponse };
}

export const bearerSecurityScheme = 'bearerAuth';

type TransformInput = Parameters<typeof jsonSchemaTransform>[0];

/**
 * The zod transform, plus what the auth plugin enforces on `/v1` routes: the bearer requirement and the 401.
 */
const transform = (document: TransformInput) => {
  if (!isProtectedPath(document.url) || document.schema?.hide === true) return jsonSchemaTransform(document);
  const schema: FastifySchema = document.schema ?? {};
  const response = (schema.response ?? {}) as Record<string, unknown>;
  return jsonSchemaTransform({
    ...document,
    schema: {
      ...schema,
      security: schema.security ?? [{ [bearerSecurityScheme]: [] }],
      response: { ...errorResponses(401), ...response },
    },
  });
};

const componentRef = /"#\/components\/schemas\/([^"]+)"/g;

function refsIn(value: unknown): string[] {
  return [...JSON.stringify(value).matchAll(componentRef)].map((match) => decodeURIComponent(match[1] as string));
}

/**
 * The zod components (schemas registered with an `id`), keeping only those the document uses: the zod
 * transform emits every registered schema twice (input and output), whatever this process serves.
 */
const transformObject: typeof jsonSchemaTransformObject = (input) => {
  const document = jsonSchemaTransformObject(input);
  if (!('components' in document) || document.components?.schemas === undefined) return document;
  const schemas: Record<string, unknown> = document.components.schemas;
  const used = new Set(refsIn({ ...document, components: { ...document.components, schemas: {} } }));
  for (const pending = [...used]; pending.length > 0; ) {
    for (const name of refsIn(schemas[pending.pop() as string])) {
      if (!used.has(name)) {
        used.add(name);
        pending.push(name);
      }
    }
  }
  const kept = Object.fromEntries(Object.entries(document.components.schemas).filter(([name]) => used.has(name)));
  // The spread loses which OpenAPI version the union member was; it is the same document with fewer schemas.
  return { ...document, components: { ...document.components, schemas: kept } } as typeof document;
};

export interface OpenApiOptions {
  title: string;
  description?: string;
  version: string;
  /** Where the document is served; the gateway moves its own aside to serve the composed one. */
  route?: string;
}

/**
 * Registers @fastify/swagger (OpenAPI 3.1, zod schemas) and `GET /openapi.json`. Await it before routes are
 * registered: swagger records routes as they are added.
 */
export async function registerOpenApi(app: FastifyInstance, options: OpenApiOptions): Promise<void> {
  await app.register(swagger, {
    openapi: {
      openapi: '3.1.0',
      info: {
        title: options.title,
        version: options.version,
        ...(options.description === undefined ? {} : { description: options.description }),
      },
      components: {
        securitySchemes: {
          [bearerSecurityScheme]: { type: 'http', scheme: 'bearer', bearerFormat: 'JWT' },
        },
      },
    },
    transform,
    transformObject,
  });
  app.get(options.route ?? '/openapi.json', { schema: { hide: true } }, async () => app.swagger());
}
