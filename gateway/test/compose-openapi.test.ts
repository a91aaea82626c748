import { describe, expect, it } from 'vitest';
import { composeOpenApi, OpenApiClashError } from '../src/index.js';
import type { OpenApiDocument } from '../src/openapi/compose.js';

const doc = (paths: Record<string, Record<string, object>>, schemas: Record<string, object> = {}): OpenApiDocument => ({
  openapi: '3.1.0', info: { title: 't', version: '1' }, paths: paths as OpenApiDocument['paths'], components: { schemas },
});

describe('composeOpenApi', () => {
  // Two services documenting the same operation is a clash the gateway refuses to start with.
  it('fails on a path clash between services', () => {
    expect(() =>
      composeOpenApi(doc({}), {
        a: doc({ '/v1/x': { get: { operationId: 'getX' } } }),
        b: doc({ '/v1/x': { get: { operationId: 'getX2' } } }),
      }),
    ).toThrow(OpenApiClashError);
  });

  // operationIds are unique across the whole API.
  it('fails on a reused operationId', () => {
    expect(() =>
      composeOpenApi(doc({}), { a: doc({ '/v1/x': { get: { operationId: 'same' } } }), b: doc({ '/v1/y': { get: { operationId: 'same' } } }) }),
    ).toThrow(/operationId same/);
  });

  // The gateway's composed operation replaces the service's; schemas of one name that differ are kept apart.
  it('lets the gateway override and keeps differing schemas apart', () => {
    const composed = composeOpenApi(doc({ '/v1/x': { get: { operationId: 'composedX' } } }, { Thing: { type: 'string' } }), {
      a: doc({ '/v1/x': { get: { operationId: 'getX' } }, '/v1/y': { post: { operationId: 'postY', x: { $ref: '#/components/schemas/Thing' } } } }, { Thing: { type: 'number' } }),
    });
    expect(composed.paths!['/v1/x']!.get!.operationId).toBe('composedX');
    expect(JSON.stringify(composed.paths!['/v1/y'])).toContain('#/components/schemas/a.Thing');
    expect(composed.components!.schemas).toMatchObject({ Thing: { type: 'string' }, 'a.Thing': { type: 'number' } });
  });
});
