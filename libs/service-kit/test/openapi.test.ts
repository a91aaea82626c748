import { describe, expect, it } from 'vitest';
import { buildDemoApp } from './demo-app.js';

describe('/openapi.json', () => {
  // The document is OpenAPI 3.1, lists routes registered after createServiceApp, and declares bearer auth.
  it('documents the demo routes with their schemas and the bearer scheme', async () => {
    const { app } = await buildDemoApp();
    const response = await app.inject({ url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();

    expect(document.openapi).toMatch(/^3\.1\./);
    expect(document.info).toMatchObject({ title: 'Demo API', version: '1.2.3' });
    expect(document.components.securitySchemes.bearerAuth).toEqual({
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
    });

    const create = document.paths['/v1/providers'].post;
    const body = create.requestBody.content['application/json'].schema;
    expect(body.required).toEqual(['name', 'provisioning']);
    expect(body.additionalProperties).toBe(false);
    expect(body.properties.provisioning.properties.assigneeId).toMatchObject({ type: 'string', format: 'uuid' });
    expect(create.security).toEqual([{ bearerAuth: [] }]);
    expect(Object.keys(create.responses).sort()).toEqual(['201', '400', '401', '403', '409', '422']);
    expect(create.responses['409'].content['application/json'].schema).toEqual({
      $ref: '#/components/schemas/ErrorBody',
    });
    expect(document.components.schemas.ErrorBody.properties.error.required).toEqual([
      'code',
      'message',
      'requestId',
      'details',
    ]);

    // Health and the document itself are operational routes, not API.
    expect(document.paths['/health/ready']).toBeUndefined();
    expect(document.paths['/openapi.json']).toBeUndefined();
    await app.close();
  });
});
