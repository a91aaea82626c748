import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { employeeHired, employeeTerminated, employeeUpdated } from '@provisio/contracts';
import { publishEvent, type Broker, type CloudEvent } from '@provisio/messaging';
import { anEmployee, publishHire, publishTermination, waitFor } from '@provisio/testing';
import { caller, collectEvents, newCompany, seedHire, seedProvider, startAccounts, type Harness } from './harness.js';

/** Publishes an event a second time under another JetStream message id, so only the consumer can tell it is a repeat. */
async function publishAgain(broker: Broker, event: CloudEvent) {
  await broker.js.publish(broker.ns.subject(event.type), JSON.stringify(event), { msgID: `${event.id}#again` });
}

/** A short HR history of two people: a hire, updates, a termination, a rehire; one terminated before hired. */
function history(companyId: string): CloudEvent[] {
  const at = (day: number) => new Date(Date.UTC(2026, 0, day));
  const base = { id: 'p1', firstName: 'Ada', lastName: 'Lovelace', email: 'ada@example.com', accessLevel: 'employee' as const, startDate: '2026-01-05' };
  const source = 'hris';
  // (source, id) identifies an event everywhere, so each company's history has ids of its own.
  const id = (name: string) => `${companyId}-${name}`;
  return [
    employeeHired.build({ companyId, employee: { ...base, department: 'Eng' } }, { source, id: id('h1'), time: at(1) }),
    employeeUpdated.build({ companyId, employee: { id: 'p1', jobTitle: 'Engineer', department: 'Research' } }, { source, id: id('u1'), time: at(3) }),
    employeeTerminated.build({ companyId, employeeId: 'p1', terminationDate: '2026-02-01' }, { source, id: id('t1'), time: at(30) }),
    employeeHired.build({ companyId, employee: { ...base, startDate: '2026-04-01', department: 'Sales' } }, { source, id: id('h2'), time: at(80) }),
    employeeUpdated.build({ companyId, employee: { id: 'p1', lastName: 'King' } }, { source, id: id('u2'), time: at(90) }),
    employeeTerminated.build({ companyId, employeeId: 'p2', terminationDate: '2026-03-01' }, { source, id: id('t2'), time: at(60) }),
    employeeHired.build({ companyId, employee: { ...base, id: 'p2', email: 'p2@example.com', startDate: '2026-01-10' } }, { source, id: id('h3'), time: at(9) }),
  ];
}

function shuffledWithRepeats<T>(items: T[], seed: number): T[] {
  let state = seed;
  const random = () => (state = (state * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const copy = [...items, ...items.filter(() => random() < 0.5)];
  for (let i = copy.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [copy[i], copy[j]] = [copy[j]!, copy[i]!];
  }
  return copy;
}

describe('roster projection and terminations', () => {
  let h: Harness;

  beforeAll(async () => {
    h = await startAccounts('accounts_roster');
  });
  afterAll(() => h.close());

  // Reordered and repeated HR events, delivered through the broker, end in the roster the ordered stream gives.
  it('ends in the same roster for reordered and repeated HR events', async () => {
    const roster = async (companyId: string) => {
      const admin = caller(h.service, companyId, 'someone', 'admin');
      const list = await admin.get('/v1/employees');
      return list.json().items;
    };
    // Events are applied concurrently, so "done" is: every distinct event of the company recorded.
    const allApplied = (companyId: string) =>
      waitFor(async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from roster_events where company_id = ${companyId}`.execute(h.service.runtime.db.kysely);
        return rows[0]!.n === 7;
      }, { what: `the 7 events of ${companyId} applied` });
    const ordered = newCompany();
    for (const event of history(ordered)) await publishEvent(h.broker.js, h.broker.ns, event);
    await allApplied(ordered);
    const expected = await roster(ordered);
    expect(expected).toEqual([
      expect.objectContaining({ id: 'p1', lastName: 'King', department: 'Sales', status: 'active', startDate: '2026-04-01', terminationDate: null }),
      expect.objectContaining({ id: 'p2', status: 'terminated', terminationDate: '2026-03-01' }),
    ]);

    for (const seed of [3, 7, 11]) {
      const companyId = newCompany();
      const seen = new Set<string>();
      for (const event of shuffledWithRepeats(history(companyId), seed)) {
        if (seen.has(event.id)) await publishAgain(h.broker, event);
        else await publishEvent(h.broker.js, h.broker.ns, event);
        seen.add(event.id);
      }
      await allApplied(companyId);
      expect(await roster(companyId), `permutation ${seed}`).toEqual(expected);
    }
  });

  // A termination withdraws the person's pending provisioning requests; existing access stays and becomes a risk.
  it('cancels pending requests on termination and lists remaining access as risks', async () => {
    const companyId = newCompany();
    const events = await collectEvents(h.broker, 'ACCOUNTS');
    await seedHire(h.service, companyId, { id: 'boss', accessLevel: 'admin' });
    const admin = caller(h.service, companyId, 'boss', 'admin');
    const providers = [];
    for (const name of ['Asana', 'Box', 'Calendly', 'Dropbox', 'Figma']) {
      providers.push((await seedProvider(h.service, companyId, { name, provisioningAssigneeId: 'boss', deprovisioningAssigneeId: 'boss' })).providerId);
    }
    const [pending, provisioned, removing, reRequested, untouched] = providers as [string, string, string, string, string];
    const leaver = anEmployee({ id: 'leaver', firstName: 'Lea', lastName: 'Ver' });
    const earlier = anEmployee({ id: 'earlier', firstName: 'Ear', lastName: 'Lier' });
    await publishHire(h.broker, companyId, leaver);
    await publishHire(h.broker, companyId, earlier);
    await waitFor(async () => (await admin.get('/v1/employees/earlier')).statusCode === 200 && (await admin.get('/v1/employees/leaver')).statusCode === 200, { what: 'both hires in the roster' });

    const act = (providerId: string, employeeId: string, action: string) => ({ providerId, employeeId, action });
    const setup = await admin.post('/v1/accounts/batch', {
      actions: [
        act(pending, 'leaver', 'request-provisioning'),
        act(provisioned, 'leaver', 'mark-provisioned'),
        act(removing, 'leaver', 'mark-provisioned'),
        act(removing, 'leaver', 'request-deprovisioning'),
        act(reRequested, 'leaver', 'mark-provisioned'),
        act(reRequested, 'leaver', 'mark-deprovisioned'),
        act(reRequested, 'leaver', 'request-provisioning'),
        act(provisioned, 'earlier', 'mark-provisioned'),
      ],
    });
    expect(setup.json().results.every((result: { ok: boolean }) => result.ok)).toBe(true);

    await publishTermination(h.broker, companyId, 'earlier', '2026-10-01');
    await publishTermination(h.broker, companyId, 'leaver', '2026-11-20');
    const section = await waitFor(async () => {
      const response = await admin.get('/v1/employees/leaver/accounts');
      const items = response.json().items as { providerId: string; status: string }[];
      return items.find((item) => item.providerId === pending)?.status === 'no_account' && items;
    }, { what: 'the pending request withdrawn' });
    const statusOf = (providerId: string) => section.find((item) => item.providerId === providerId)?.status;
    expect(statusOf(pending)).toBe('no_account');
    expect(statusOf(reRequested)).toBe('deprovisioned');
    expect(statusOf(provisioned)).toBe('provisioned');
    expect(statusOf(removing)).toBe('deprovisioning_requested');
    expect(statusOf(untouched)).toBe('no_account');
    expect((await admin.get('/v1/employees/leaver')).json()).toMatchObject({ status: 'terminated', terminationDate: '2026-11-20' });

    const history = (await admin.get('/v1/employees/leaver/accounts/history')).json().items;
    expect(history.filter((item: { reason: string | null }) => item.reason === 'terminated')).toHaveLength(2);
    expect(history[0]).toMatchObject({ actorId: 'system', to: expect.stringMatching(/no_account|deprovisioned/) });
    const cancelled = await waitFor(() => {
      const found = events.ofType('account.status_changed').filter((event) => event.data.employeeId === 'leaver' && event.data.reason === 'terminated');
      return found.length === 2 && found;
    }, { what: 'the cancellations published' });
    expect(cancelled.map((event) => event.data.to).sort()).toEqual(['deprovisioned', 'no_account']);
    await events.stop();
    // The counters follow (the roster batch writes its reactions' counter changes once, at its end).
    const counts = (await admin.get('/v1/access/summary?limit=500')).json().items as { providerId: string; counts: Record<string, number> }[];
    const countsOf = (providerId: string) => counts.find((item) => item.providerId === providerId)?.counts;
    expect(countsOf(pending)).toMatchObject({ provisioningRequested: 0 });
    expect(countsOf(reRequested)).toMatchObject({ provisioningRequested: 0, deprovisioned: 1 });

    // Risks: the access terminated people still hold, oldest termination first, with days since.
    const risks = (await admin.get('/v1/access/risks')).json().items;
    expect(risks).toEqual([
      expect.objectContaining({ employee: { id: 'earlier', name: 'Ear Lier' }, provider: expect.objectContaining({ id: provisioned, name: 'Box' }), status: 'provisioned', terminationDate: '2026-10-01' }),
      expect.objectContaining({ employee: { id: 'leaver', name: 'Lea Ver' }, providerId: provisioned, status: 'provisioned', terminationDate: '2026-11-20' }),
      expect.objectContaining({ employee: { id: 'leaver', name: 'Lea Ver' }, providerId: removing, status: 'deprovisioning_requested', terminationDate: '2026-11-20' }),
    ]);
    const day = 24 * 60 * 60 * 1000;
    const today = new Date();
    const todayUtc = Date.UTC(today.getUTCFullYear(), today.getUTCMonth(), today.getUTCDate());
    expect(risks[0].daysSinceTermination).toBe(Math.round((todayUtc - Date.parse('2026-10-01T00:00:00Z')) / day));
    expect(risks[1].daysSinceTermination).toBe(Math.round((todayUtc - Date.parse('2026-11-20T00:00:00Z')) / day));

    // The checklist keeps terminated people who still hold access, and drops the others.
    const onBox = (await admin.get(`/v1/providers/${provisioned}/accounts`)).json().items.map((item: { employeeId: string }) => item.employeeId);
    expect(onBox).toEqual(expect.arrayContaining(['leaver', 'earlier']));
    const onAsana = (await admin.get(`/v1/providers/${pending}/accounts`)).json().items.map((item: { employeeId: string }) => item.employeeId);
    expect(onAsana).toEqual(['boss']);

    // Deprovisioning removes the risk.
    await admin.post(`/v1/providers/${provisioned}/accounts/earlier/mark-deprovisioned`, {});
    const after = (await admin.get('/v1/access/risks')).json().items;
    expect(after.map((item: { employeeId: string }) => item.employeeId)).toEqual(['leaver', 'leaver']);
  });
});
