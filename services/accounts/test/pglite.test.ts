import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger, loadConfig } from '@provisio/service-kit';
import { connectTestBroker, testEnv, testNamespace } from '@provisio/testing';
import { accountsConfigSchema, createAccountsService, type AccountsService } from '../src/index.js';
import { caller, newCompany, seedHire, seedProvider, seedTermination } from './harness.js';

/** Without ACCOUNTS_DATABASE_URL the service runs on an embedded PGlite: the same SQL must work there. */
describe('on the embedded database (PGlite)', () => {
  let service: AccountsService;
  let dataDir: string;
  let cleanupBroker: () => Promise<void>;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'accounts-pglite-'));
    const ns = testNamespace();
    const config = loadConfig(accountsConfigSchema, { ...testEnv(ns), DATA_DIR: dataDir });
    service = await createAccountsService(config, createLogger({ name: 'accounts', level: config.LOG_LEVEL }));
    await service.start();
    cleanupBroker = (await connectTestBroker(ns)).cleanup;
  });
  afterAll(async () => {
    await service.close();
    await cleanupBroker();
    await rm(dataDir, { recursive: true, force: true });
  });

  // Migrations, actions, batch writes and every read view work on PGlite.
  it('serves actions and views', async () => {
    expect(service.runtime.db.kind).toBe('pglite');
    const companyId = newCompany();
    await seedHire(service, companyId, { id: 'admin', accessLevel: 'admin' });
    const { id } = await seedHire(service, companyId, { id: 'leaver' });
    const { providerId } = await seedProvider(service, companyId, { provisioningAssigneeId: 'admin', deprovisioningAssigneeId: 'admin' });
    const admin = caller(service, companyId, 'admin', 'admin');
    const requested = await admin.post(`/v1/providers/${providerId}/accounts/${id}/request-provisioning`, { dueAt: '2026-12-01T00:00:00Z' });
    expect(requested.json()).toMatchObject({ status: 'provisioning_requested', assigneeId: 'admin', version: 1 });
    const batch = await admin.post('/v1/accounts/batch', {
      actions: [
        { providerId, employeeId: id, action: 'mark-provisioned' },
        { providerId, employeeId: 'admin', action: 'request-deprovisioning' },
      ],
    });
    expect(batch.json().results.map((result: { ok: boolean }) => result.ok)).toEqual([true, false]);
    await seedTermination(service, companyId, id);
    expect((await admin.get(`/v1/providers/${providerId}/accounts?status=provisioned&q=${id}`)).json().items).toHaveLength(1);
    expect((await admin.get('/v1/access/summary')).json().items[0].counts).toMatchObject({ provisioned: 1, provisioningRequested: 0 });
    expect((await admin.get('/v1/access/risks')).json().items).toHaveLength(1);
    expect((await admin.get(`/v1/employees/${id}/accounts/history`)).json().items).toHaveLength(2);
  });
});
