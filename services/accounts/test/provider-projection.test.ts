import { randomUUID } from 'node:crypto';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { providerArchived, providerCreated, providerUpdated, type ProviderSnapshot } from '@provisio/contracts';
import { publishEvent } from '@provisio/messaging';
import { waitFor } from '@provisio/testing';
import { caller, newCompany, seedHire, startAccounts, type Harness } from './harness.js';

describe('provider projection', () => {
  let h: Harness;
  const companyId = newCompany();

  beforeAll(async () => {
    h = await startAccounts('accounts_providers');
    await seedHire(h.service, companyId, { id: 'admin', accessLevel: 'admin' });
  });
  afterAll(() => h.close());

  // provider.* events arriving out of order leave the newest version; archiving takes the provider out of use.
  it('keeps the newest version of each provider, whatever the order', async () => {
    const admin = caller(h.service, companyId, 'admin', 'admin');
    const providerId = randomUUID();
    const snapshot = (version: number, changes: Partial<ProviderSnapshot> = {}): ProviderSnapshot => ({
      companyId,
      providerId,
      name: `Slack v${version}`,
      logoUrl: null,
      provisioningAssigneeId: 'admin',
      deprovisioningAssigneeId: 'admin',
      archived: false,
      version,
      ...changes,
    });
    const source = 'provisio/providers';
    await publishEvent(h.broker.js, h.broker.ns, providerUpdated.build(snapshot(3, { logoUrl: 'https://logo.example/slack.png' }), { source }));
    await publishEvent(h.broker.js, h.broker.ns, providerCreated.build(snapshot(1), { source }));
    await publishEvent(h.broker.js, h.broker.ns, providerUpdated.build(snapshot(2), { source }));
    const names = async () => (await admin.get('/v1/employees/admin/accounts')).json().items.map((item: { provider: { name: string; logoUrl: string | null } }) => item.provider);
    await waitFor(async () => (await names()).length === 1, { what: 'the provider projected' });
    // The older versions were all delivered (one consumer, in order on the stream) and none replaced v3.
    await waitFor(() => h.service.runtime.consumers.reduce((sum, consumer) => sum + consumer.stats.applied, 0) >= 3, { what: 'all provider events applied' });
    expect(await names()).toEqual([{ id: providerId, name: 'Slack v3', logoUrl: 'https://logo.example/slack.png' }]);
    expect((await admin.get(`/v1/providers/${providerId}/accounts`)).statusCode).toBe(200);

    await publishEvent(h.broker.js, h.broker.ns, providerArchived.build(snapshot(4, { archived: true }), { source }));
    await waitFor(async () => (await names()).length === 0, { what: 'the archived provider out of use' });
    expect((await admin.get(`/v1/providers/${providerId}/accounts`)).statusCode).toBe(404);
    expect((await admin.post(`/v1/providers/${providerId}/accounts/admin/mark-provisioned`, {})).statusCode).toBe(404);
  });
});
