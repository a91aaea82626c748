import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { anEmployee, waitFor } from '@provisio/testing';
import { startSystem, type System } from '../src/system.js';

const company = `burst-${randomUUID().slice(0, 6)}`;
const admin = anEmployee({ id: `admin-${randomUUID().slice(0, 6)}`, accessLevel: 'admin', department: 'IT' });
const HIRES = 200;
const hrEvent = (type: string, data: object) => ({ specversion: '1.0', id: randomUUID(), source: 'e2e-hris', type, time: new Date().toISOString(), data });

describe('a service killed in the middle of a burst of hires', () => {
  let system: System;
  let auth: string;

  beforeAll(async () => {
    system = await startSystem('burst');
    auth = await system.token(admin.id, company, 'admin');
  });
  afterAll(async () => {
    await system?.stop();
  });

  async function until(status: number, path: string, body: unknown) {
    return waitFor(async () => {
      const response = await system.api(path, { body, auth });
      return response.status === status ? response : undefined;
    }, { what: `POST ${path}`, timeoutMs: 30_000 });
  }

  // SIGKILL of the accounts service while 200 hires flow loses nothing: every hire ends with one run, its
  // two requests and one notification, none twice.
  it('loses nothing and doubles nothing', async () => {
    const asHris = await system.token('hris', company, 'integration');
    await system.api('/v1/hr/events', { body: hrEvent('hr.employee.hired', { companyId: company, employee: admin }), auth: asHris });
    const provider = (name: string) => ({ name, provisioning: { assigneeId: admin.id }, deprovisioning: { assigneeId: admin.id } });
    const a = (await until(201, '/v1/providers', provider('Alpha'))).body.id;
    const b = (await until(201, '/v1/providers', provider('Beta'))).body.id;
    const workflow = (await until(201, '/v1/workflows', { name: 'Everyone', kind: 'provisioning', tasks: [{ providerIds: [a, b] }], triggers: [{ on: 'hire' }] })).body;
    expect((await system.api(`/v1/workflows/${workflow.id}/publish`, { method: 'POST', auth })).status).toBe(200);

    const employees = Array.from({ length: HIRES }, (_, i) => anEmployee({ id: `hire-${i}-${randomUUID().slice(0, 4)}`, department: 'Ops' }));
    const batches = [0, 1, 2, 3].map((n) => employees.slice(n * 50, n * 50 + 50));
    for (const [index, batch] of batches.entries()) {
      const response = await system.api('/v1/hr/events', { body: { events: batch.map((employee) => hrEvent('hr.employee.hired', { companyId: company, employee })) }, auth: asHris });
      expect(response.status).toBe(202);
      if (index === 1) await system.kill('accounts', 'SIGKILL');
    }
    await system.restart('accounts');

    const hired = new Set(employees.map((employee) => employee.id));
    const runs = await waitFor(async () => {
      const items = (await system.api('/v1/workflow-runs?limit=500', { auth })).body?.items ?? [];
      const mine = items.filter((run: { employeeId: string }) => hired.has(run.employeeId));
      return mine.length >= HIRES ? mine : undefined;
    }, { what: `${HIRES} runs`, timeoutMs: 90_000 });
    expect(new Set(runs.map((run: { employeeId: string }) => run.employeeId)).size).toBe(HIRES);
    expect(runs).toHaveLength(HIRES);

    const requested = await waitFor(async () => {
      const items = (await system.api('/v1/access?status=provisioning_requested&limit=500', { auth })).body?.items ?? [];
      return items.length >= HIRES * 2 ? items : undefined;
    }, { what: `${HIRES * 2} requests`, timeoutMs: 90_000 });
    expect(requested).toHaveLength(HIRES * 2);

    const notifications = await waitFor(async () => {
      const items = (await system.api('/v1/notifications?state=open&limit=500', { auth })).body?.items ?? [];
      const stacked = items.filter((n: { items: unknown[] }) => n.items.length === 2);
      return stacked.length >= HIRES ? items : undefined;
    }, { what: `${HIRES} notifications of two items`, timeoutMs: 90_000 });
    expect(notifications).toHaveLength(HIRES);
    expect(new Set(notifications.map((n: { employee: { id: string } }) => n.employee.id))).toEqual(hired);
  });
});
