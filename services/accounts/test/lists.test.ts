import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { caller, newCompany, seedHire, seedProvider, seedTermination, startAccounts, type Harness } from './harness.js';

type Page = { items: Record<string, unknown>[]; nextCursor: string | null };

describe('lists: pagination, filters, views', () => {
  let h: Harness;
  const companyId = newCompany();
  let admin: ReturnType<typeof caller>;
  const providers: string[] = [];
  const lastNames = ['Smith', 'smith', 'Ng', 'Okafor', 'Zhang'];
  const firstNames = ['Al', 'al', 'Bea', 'Cy'];
  const departments = ['Eng', 'Sales', 'Ops'];

  beforeAll(async () => {
    h = await startAccounts('accounts_lists');
    await seedHire(h.service, companyId, { id: 'admin', firstName: 'Ada', lastName: 'Admin', accessLevel: 'admin', department: 'Ops' });
    admin = caller(h.service, companyId, 'admin', 'admin');
    // 120 people whose names repeat: ties in (last, first) are broken by id.
    for (let i = 0; i < 120; i++) {
      await seedHire(h.service, companyId, {
        id: `e${String((i * 37) % 120).padStart(3, '0')}`,
        lastName: lastNames[i % lastNames.length],
        firstName: firstNames[i % firstNames.length],
        department: departments[i % departments.length],
        email: `person${i}@corp.example`,
      });
    }
    for (const name of ['Zoom', 'asana', 'Box', 'Miro', 'Notion', 'Jira', 'Slack', 'Figma', 'Okta', 'Github', 'Linear', 'Dropbox']) {
      providers.push((await seedProvider(h.service, companyId, { name, provisioningAssigneeId: 'admin', deprovisioningAssigneeId: 'admin' })).providerId);
    }
    const [zoom, asana, box] = providers as [string, string, string];
    const actions = [];
    for (let i = 0; i < 120; i++) {
      const employeeId = `e${String(i).padStart(3, '0')}`;
      if (i % 2 === 0) actions.push({ providerId: zoom, employeeId, action: 'mark-provisioned' });
      if (i % 3 === 0) actions.push({ providerId: asana, employeeId, action: 'request-provisioning' });
      if (i % 5 === 0) actions.push({ providerId: box, employeeId, action: 'mark-provisioned' }, { providerId: box, employeeId, action: 'request-deprovisioning' });
    }
    const response = await admin.post('/v1/accounts/batch', { actions });
    expect(response.json().results.every((result: { ok: boolean }) => result.ok)).toBe(true);
    // Terminated people: some still hold access (risks), some not (they leave the checklist).
    for (const id of ['e000', 'e002', 'e004', 'e001', 'e003', 'e010', 'e020', 'e030']) await seedTermination(h.service, companyId, id, `2026-0${(Number(id.slice(1)) % 9) + 1}-15`);
  });
  afterAll(() => h.close());

  /** Every page of a list, `limit` at a time; `between` runs after each page. */
  async function walk(url: string, limit: number, between?: (page: number) => Promise<void>): Promise<Record<string, unknown>[]> {
    const all: Record<string, unknown>[] = [];
    let cursor: string | null = null;
    for (let page = 0; page < 1_000; page++) {
      const separator = url.includes('?') ? '&' : '?';
      const response = await admin.get(`${url}${separator}limit=${limit}${cursor ? `&cursor=${cursor}` : ''}`);
      expect(response.statusCode, response.body).toBe(200);
      const body = response.json() as Page;
      expect(body.items.length).toBeLessThanOrEqual(limit);
      all.push(...body.items);
      cursor = body.nextCursor;
      if (!cursor) return all;
      await between?.(page);
    }
    throw new Error('pagination does not end');
  }

  const employeeIdOf = (item: Record<string, unknown>) => (item.employeeId ?? item.id) as string;

  // Pages of 7 over 120 people with tied names give each person exactly once, in the order of one big page.
  it('never repeats or skips anyone across pages', async () => {
    const urls = [
      '/v1/employees',
      '/v1/employees?department=Eng',
      `/v1/providers/${providers[0]}/accounts`,
      `/v1/providers/${providers[0]}/accounts?status=no_account`,
      `/v1/providers/${providers[0]}/accounts?q=smith`,
      '/v1/access',
      `/v1/access?providerId=${providers[2]}`,
      '/v1/access/risks',
      '/v1/employees/admin/accounts',
      '/v1/access/summary',
    ];
    for (const url of urls) {
      const paged = await walk(url, 7);
      const whole = (await admin.get(`${url}${url.includes('?') ? '&' : '?'}limit=500`)).json() as Page;
      expect(whole.nextCursor).toBeNull();
      expect(paged, url).toEqual(whole.items);
      const keys = paged.map((item) => JSON.stringify([employeeIdOf(item) ?? null, item.providerId ?? null]));
      expect(new Set(keys).size, url).toBe(keys.length);
    }
  });

  // People hired while someone pages through do not shift the pages: nobody seen is shown again.
  it('keeps its place when people are added between pages', async () => {
    const url = `/v1/providers/${providers[0]}/accounts`;
    let added = 0;
    const paged = await walk(url, 7, async () => {
      added += 1;
      await seedHire(h.service, companyId, { id: `late${added}`, lastName: added % 2 ? 'Aaron' : 'Zz', firstName: 'New' });
    });
    const ids = paged.map(employeeIdOf);
    expect(new Set(ids).size).toBe(ids.length);
    // Everyone who was there from the start is listed once.
    const original = (await admin.get(`${url}?limit=500`)).json().items.map(employeeIdOf).filter((id: string) => !id.startsWith('late'));
    expect(ids.filter((id) => !id.startsWith('late'))).toEqual(original);
  });

  // The checklist lists active people and terminated ones who still hold access; filters narrow it.
  it('filters the checklist by status, name or email, and department', async () => {
    const zoom = providers[0];
    const all = await walk(`/v1/providers/${zoom}/accounts`, 500);
    const ids = all.map(employeeIdOf);
    // e000, e002, e004 still hold Zoom; e001, e003 never had it: they left the list.
    expect(ids).toEqual(expect.arrayContaining(['e000', 'e002', 'e004']));
    expect(ids).not.toContain('e001');
    expect(ids).not.toContain('e003');
    expect(all.find((item) => item.employeeId === 'e000')).toMatchObject({ status: 'provisioned', employee: { status: 'terminated' } });

    const provisioned = await walk(`/v1/providers/${zoom}/accounts?status=provisioned`, 500);
    expect(provisioned.every((item) => item.status === 'provisioned')).toBe(true);
    expect(provisioned).toHaveLength(60);
    const none = await walk(`/v1/providers/${zoom}/accounts?status=no_account`, 500);
    expect(none.every((item) => item.status === 'no_account' && item.version === 0)).toBe(true);
    expect(none.length + provisioned.length).toBe(all.length);
    const both = await walk(`/v1/providers/${zoom}/accounts?status=no_account,provisioned`, 500);
    expect(both).toEqual(all);

    const byEmail = await walk(`/v1/providers/${zoom}/accounts?q=PERSON11`, 500);
    expect(byEmail.map((item) => (item.employee as { email: string }).email).sort()).toEqual(
      ['person11@corp.example', 'person110@corp.example', 'person111@corp.example', 'person112@corp.example', 'person113@corp.example', 'person114@corp.example', 'person115@corp.example', 'person116@corp.example', 'person117@corp.example', 'person118@corp.example', 'person119@corp.example'].sort(),
    );
    const byFullName = await walk(`/v1/providers/${zoom}/accounts?q=bea%20okafor`, 500);
    expect(byFullName.length).toBeGreaterThan(0);
    expect(byFullName.every((item) => (item.employee as { name: string }).name === 'Bea Okafor')).toBe(true);
    const wildcard = await walk(`/v1/providers/${zoom}/accounts?q=%25`, 500);
    expect(wildcard).toEqual([]);
    const sales = await walk(`/v1/providers/${zoom}/accounts?department=Sales`, 500);
    expect(sales.length).toBeGreaterThan(0);
    expect(sales.every((item) => (item.employee as { department: string }).department === 'Sales')).toBe(true);
  });

  // The assignee pickers ask for the active admins only.
  it('filters people by access level', async () => {
    const admins = await walk('/v1/employees?status=active&accessLevel=admin', 50);
    expect(admins.map((item) => item.id)).toEqual(['admin']);
    const others = await walk('/v1/employees?accessLevel=employee', 50);
    expect(others.length).toBeGreaterThan(100);
    expect(others.every((item) => item.accessLevel === 'employee')).toBe(true);
    expect((await admin.get('/v1/employees?accessLevel=owner')).statusCode).toBe(400);
  });

  // A cursor the API did not hand out, or a bad filter, is a 400 naming the parameter.
  it('refuses a forged cursor and unknown filters', async () => {
    for (const url of [
      '/v1/employees?cursor=bm90LWEtY3Vyc29y',
      `/v1/providers/${providers[0]}/accounts?cursor=%5B1%5D`,
      `/v1/providers/${providers[0]}/accounts?status=gone`,
      `/v1/providers/${providers[0]}/accounts?colour=red`,
      '/v1/access?limit=501',
      '/v1/access/risks?limit=0',
    ]) {
      const response = await admin.get(url);
      expect(response.statusCode, url).toBe(400);
      expect(response.json().error.code).toBe('VALIDATION_FAILED');
    }
  });

  // The profile's Provisioning section lists every provider in use, no_account included, by name; archived ones are left out.
  it('lists every provider in use on a profile', async () => {
    await seedProvider(h.service, companyId, { name: 'Archived', archived: true });
    const section = await walk('/v1/employees/e060/accounts', 500);
    expect(section.map((item) => (item.provider as { name: string }).name)).toEqual(['asana', 'Box', 'Dropbox', 'Figma', 'Github', 'Jira', 'Linear', 'Miro', 'Notion', 'Okta', 'Slack', 'Zoom']);
    expect(section.find((item) => (item.provider as { name: string }).name === 'Box')).toMatchObject({ status: 'deprovisioning_requested', assigneeId: 'admin' });
    expect(section.filter((item) => item.status === 'no_account')).toHaveLength(9);
    const pending = await walk('/v1/employees/e060/accounts?status=provisioning_requested,deprovisioning_requested', 500);
    expect(pending.map((item) => (item.provider as { name: string }).name)).toEqual(['asana', 'Box']);
  });

  // The summary counts each provider's accounts by status, and agrees with the accounts themselves.
  it('counts accounts per provider', async () => {
    const summary = (await admin.get('/v1/access/summary?limit=500')).json().items as { providerId: string; counts: Record<string, number> }[];
    expect(summary).toHaveLength(12);
    for (const item of summary) {
      const access = await walk(`/v1/access?providerId=${item.providerId}`, 500);
      const count = (status: string) => access.filter((account) => account.status === status).length;
      expect(item.counts).toEqual({
        provisioningRequested: count('provisioning_requested'),
        provisioned: count('provisioned'),
        deprovisioningRequested: count('deprovisioning_requested'),
        deprovisioned: count('deprovisioned'),
      });
    }
    const zoom = summary.find((item) => item.providerId === providers[0])!;
    expect(zoom.counts.provisioned).toBe(60);
    const only = (await admin.get(`/v1/access/summary?providerId=${providers[1]},${providers[2]}`)).json().items;
    expect(only.map((item: { providerId: string }) => item.providerId).sort()).toEqual([providers[1], providers[2]].sort());
  });

  // The history pages newest first without gaps.
  it('pages through an employee history', async () => {
    const box = providers[2];
    for (let i = 0; i < 5; i++) {
      await admin.post(`/v1/providers/${box}/accounts/e050/cancel-request`, {});
      await admin.post(`/v1/providers/${box}/accounts/e050/request-deprovisioning`, {});
    }
    const history = await walk('/v1/employees/e050/accounts/history', 3);
    expect(history).toHaveLength(13);
    const onBox = history.filter((item) => item.providerId === box);
    expect(onBox.map((item) => item.version)).toEqual([12, 11, 10, 9, 8, 7, 6, 5, 4, 3, 2, 1]);
    expect(history.map((item) => Number(item.id))).toEqual([...history.map((item) => Number(item.id))].sort((x, y) => y - x));
  });
});
