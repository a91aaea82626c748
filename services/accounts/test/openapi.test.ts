import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startAccounts, type Harness } from './harness.js';

describe('OpenAPI', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await startAccounts('accounts_openapi');
  });
  afterAll(() => h.close());

  // Every route documents its body, query and responses from the zod schemas, so the gateway can merge them.
  it('documents every route with its schemas', async () => {
    const response = await h.service.app.inject({ method: 'GET', url: '/openapi.json' });
    expect(response.statusCode).toBe(200);
    const document = response.json();
    const paths = Object.keys(document.paths).sort();
    expect(paths).toEqual(
      [
        '/v1/access',
        '/v1/access/risks',
        '/v1/access/summary',
        '/v1/accounts/batch',
        '/v1/employees',
        '/v1/employees/{employeeId}',
        '/v1/employees/{employeeId}/accounts',
        '/v1/employees/{employeeId}/accounts/history',
        '/v1/providers/{providerId}/accounts',
        '/v1/providers/{providerId}/accounts/{employeeId}/cancel-request',
        '/v1/providers/{providerId}/accounts/{employeeId}/mark-deprovisioned',
        '/v1/providers/{providerId}/accounts/{employeeId}/mark-provisioned',
        '/v1/providers/{providerId}/accounts/{employeeId}/reassign',
        '/v1/providers/{providerId}/accounts/{employeeId}/request-deprovisioning',
        '/v1/providers/{providerId}/accounts/{employeeId}/request-provisioning',
      ],
    );
    const request = document.paths['/v1/providers/{providerId}/accounts/{employeeId}/request-provisioning'].post;
    expect(JSON.stringify(request.requestBody)).toContain('assigneeId');
    expect(request.responses['200']).toBeDefined();
    expect(request.responses['409']).toBeDefined();
    const checklist = document.paths['/v1/providers/{providerId}/accounts'].get;
    expect(checklist.parameters.map((parameter: { name: string }) => parameter.name)).toEqual(expect.arrayContaining(['status', 'q', 'department', 'limit', 'cursor']));
    expect(document.components.schemas).toHaveProperty('Account');
  });
});
