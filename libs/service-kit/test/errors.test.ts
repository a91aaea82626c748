import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildDemoApp, tokenFor, type DemoApp } from './demo-app.js';

const assigneeId = '6f1c2f0e-8a4b-4c1e-9f3a-2b7d5e9c1a40';

describe('error answers in contract form', () => {
  let demo: DemoApp;
  let admin: string;

  beforeAll(async () => {
    demo = await buildDemoApp();
    admin = await tokenFor('admin');
  });
  afterAll(() => demo.app.close());

  const post = (payload: unknown, headers: Record<string, string> = {}) =>
    demo.app.inject({
      method: 'POST',
      url: '/v1/providers',
      headers: { authorization: `Bearer ${admin}`, ...headers },
      payload: payload as string,
    });

  // A valid body passes validation and reaches the handler with the caller's tenant.
  it('accepts a valid body', async () => {
    const response = await post({ name: 'Slack', provisioning: { assigneeId } });
    expect(response.statusCode).toBe(201);
    expect(response.json()).toEqual({ id: 'p-1', name: 'Slack', companyId: 'c0mpany-1' });
  });

  // Unknown fields are refused (contract 3), one detail per unknown key, at the key's own path.
  it('refuses unknown body fields, one detail per key', async () => {
    const response = await post({ name: 'Slack', colour: 'red', provisioning: { assigneeId, extra: 1, more: 2 } });
    expect(response.statusCode).toBe(400);
    const { error } = response.json();
    expect(error.code).toBe('VALIDATION_FAILED');
    expect(error.details).toEqual(
      expect.arrayContaining([
        { path: 'colour', message: expect.any(String), location: 'body' },
        { path: 'provisioning.extra', message: expect.any(String), location: 'body' },
        { path: 'provisioning.more', message: expect.any(String), location: 'body' },
      ]),
    );
    expect(error.details).toHaveLength(3);
  });

  // A missing nested field is named by its dotted path and reads "is required".
  it('names a missing field by its dotted path', async () => {
    const response = await post({ name: 'Slack', provisioning: {} });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.details).toEqual([
      { path: 'provisioning.assigneeId', message: 'is required', location: 'body' },
    ]);
  });

  // A wrong type is reported at the field, with zod's explanation.
  it('names a field of the wrong type', async () => {
    const response = await post({ name: 42, provisioning: { assigneeId: 'not-a-uuid' } });
    expect(response.statusCode).toBe(400);
    const details = response.json().error.details as { path: string; message: string }[];
    expect(details.map((detail) => detail.path).sort()).toEqual(['name', 'provisioning.assigneeId']);
    expect(details.every((detail) => detail.message.length > 0)).toBe(true);
  });

  // Params and query are validated too, and the answer says which part of the request is wrong.
  it('reports params and query problems with their location', async () => {
    const badParam = await demo.app.inject({
      url: '/v1/providers/nope',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(badParam.statusCode).toBe(400);
    expect(badParam.json().error.details).toEqual([
      { path: 'providerId', message: expect.any(String), location: 'params' },
    ]);

    const badQuery = await demo.app.inject({
      url: `/v1/providers/${assigneeId}?limit=9999`,
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(badQuery.statusCode).toBe(400);
    expect(badQuery.json().error.details).toEqual([{ path: 'limit', message: expect.any(String), location: 'query' }]);
  });

  // Broken JSON is a MALFORMED_REQUEST, not a 500 and not a validation error.
  it('answers malformed JSON with MALFORMED_REQUEST', async () => {
    const response = await post('{"name": "Slack",', { 'content-type': 'application/json' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('MALFORMED_REQUEST');
  });

  // An empty body with a JSON Content-Type is no body: the route's schema decides (here a body is required).
  it('reads an empty JSON body as no body', async () => {
    const response = await post('', { 'content-type': 'application/json' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('VALIDATION_FAILED');
  });

  // A body that is not JSON at all (wrong content type) is a MALFORMED_REQUEST.
  it('answers a wrong content type with MALFORMED_REQUEST', async () => {
    for (const contentType of ['text/plain', 'application/xml']) {
      const response = await post('<provider/>', { 'content-type': contentType });
      expect(response.statusCode).toBe(400);
      expect(response.json().error.code).toBe('MALFORMED_REQUEST');
    }
  });

  // A URL the router cannot decode is answered in contract form too (Fastify's frameworkErrors path).
  it('answers a badly encoded URL with MALFORMED_REQUEST', async () => {
    const response = await demo.app.inject({ url: '/v1/providers/%zz' });
    expect(response.statusCode).toBe(400);
    expect(response.json().error.code).toBe('MALFORMED_REQUEST');
    expect(response.headers['x-request-id']).toBe(response.json().error.requestId);
  });

  // CloudEvents structured mode (application/cloudevents+json) is read as JSON.
  it('reads +json content types as JSON', async () => {
    const response = await post(JSON.stringify({ name: 'Slack', provisioning: { assigneeId } }), {
      'content-type': 'application/cloudevents+json',
    });
    expect(response.statusCode).toBe(201);
  });

  // Bodies over the limit (1 MiB by default) are refused with 413 before they are parsed.
  it('answers a 2 MiB body with PAYLOAD_TOO_LARGE', async () => {
    const response = await post(JSON.stringify({ name: 'x'.repeat(2 * 1024 * 1024), provisioning: { assigneeId } }), {
      'content-type': 'application/json',
    });
    expect(response.statusCode).toBe(413);
    expect(response.json().error.code).toBe('PAYLOAD_TOO_LARGE');
  });

  // An unknown route is a 404 NOT_FOUND in contract form (and needs no token outside /v1).
  it('answers an unknown route with NOT_FOUND', async () => {
    const response = await demo.app.inject({ url: '/nowhere' });
    expect(response.statusCode).toBe(404);
    expect(response.json()).toEqual({
      error: { code: 'NOT_FOUND', message: expect.any(String), requestId: response.headers['x-request-id'], details: [] },
    });
  });

  // A domain error leaves with its status, code and structured details.
  it('answers INVALID_TRANSITION with currentStatus and allowed', async () => {
    const response = await demo.app.inject({
      method: 'POST',
      url: '/v1/accounts/request-provisioning',
      headers: { authorization: `Bearer ${admin}` },
    });
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({
      code: 'INVALID_TRANSITION',
      details: { currentStatus: 'provisioned', allowed: ['request-deprovisioning'] },
    });
  });

  // An unexpected error is a generic 500: no stack, no internal address in the body; logged with the request.
  it('hides unexpected errors and logs them at error level', async () => {
    const response = await demo.app.inject({ url: '/v1/boom', headers: { authorization: `Bearer ${admin}` } });
    expect(response.statusCode).toBe(500);
    const body = response.json();
    expect(body.error.code).toBe('INTERNAL');
    expect(response.body).not.toContain('10.1.2.3');
    expect(response.body).not.toContain('ECONNREFUSED');
    expect(response.body).not.toMatch(/at .*\.ts:\d+/);
    const logged = demo.logs.find((line) => line.msg === 'request failed' && line.requestId === body.error.requestId);
    expect(logged).toMatchObject({ level: 50, service: 'demo', err: { message: 'connect ECONNREFUSED 10.1.2.3:5432' } });
    expect(logged?.req).toMatchObject({ method: 'GET', url: '/v1/boom' });
  });

  // A handler answering outside its own response schema is a bug: 500 for the client, the zod issues in the log.
  it('answers a response that breaks its schema with INTERNAL', async () => {
    const response = await demo.app.inject({ url: '/v1/bad-shape', headers: { authorization: `Bearer ${admin}` } });
    expect(response.statusCode).toBe(500);
    expect(response.json().error.code).toBe('INTERNAL');
    const logged = demo.logs.find((line) => line.requestId === response.headers['x-request-id'] && line.level === 50);
    expect(logged).toMatchObject({ msg: 'response does not match its schema', issues: expect.any(Array) });
  });

  // A caller's sane x-request-id is kept end to end; an unsafe one is replaced by a UUID.
  it('echoes the request id in the header and the body', async () => {
    const kept = await demo.app.inject({ url: '/nowhere', headers: { 'x-request-id': 'abc-123.test' } });
    expect(kept.headers['x-request-id']).toBe('abc-123.test');
    expect(kept.json().error.requestId).toBe('abc-123.test');

    const replaced = await demo.app.inject({ url: '/nowhere', headers: { 'x-request-id': 'bad id\twith<script>' } });
    expect(replaced.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(replaced.json().error.requestId).toBe(replaced.headers['x-request-id']);

    const ok = await demo.app.inject({ url: '/health/live' });
    expect(ok.headers['x-request-id']).toMatch(/^[0-9a-f-]{36}$/);
  });

  // The authorization header never reaches the logs in clear.
  it('redacts the authorization header in logs', () => {
    expect(JSON.stringify(demo.logs)).not.toContain(admin);
  });
});
