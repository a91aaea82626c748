import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import type { AccountStatus } from '@provisio/contracts';
import { waitFor } from '@provisio/testing';
import { accountActions, type AccountAction } from '../src/index.js';
import { caller, collectEvents, newCompany, seedHire, seedProvider, seedTermination, startAccounts, type Harness } from './harness.js';

/** How to reach each starting state from no_account, and what the contract says each action does from there. */
const startingStates: { name: string; path: AccountAction[]; moves: Partial<Record<AccountAction, AccountStatus>> }[] = [
  { name: 'no_account', path: [], moves: { 'request-provisioning': 'provisioning_requested', 'mark-provisioned': 'provisioned' } },
  {
    name: 'provisioning_requested (from no_account)',
    path: ['request-provisioning'],
    moves: { 'mark-provisioned': 'provisioned', 'cancel-request': 'no_account' },
  },
  {
    name: 'provisioning_requested (from deprovisioned)',
    path: ['mark-provisioned', 'mark-deprovisioned', 'request-provisioning'],
    moves: { 'mark-provisioned': 'provisioned', 'cancel-request': 'deprovisioned' },
  },
  { name: 'provisioned', path: ['mark-provisioned'], moves: { 'request-deprovisioning': 'deprovisioning_requested', 'mark-deprovisioned': 'deprovisioned' } },
  {
    name: 'deprovisioning_requested',
    path: ['mark-provisioned', 'request-deprovisioning'],
    moves: { 'mark-deprovisioned': 'deprovisioned', 'cancel-request': 'provisioned' },
  },
  {
    name: 'deprovisioned',
    path: ['mark-provisioned', 'mark-deprovisioned'],
    moves: { 'request-provisioning': 'provisioning_requested', 'mark-provisioned': 'provisioned' },
  },
];

const statusAfter = (path: AccountAction[]) => {
  const targets: Record<AccountAction, AccountStatus> = {
    'request-provisioning': 'provisioning_requested',
    'mark-provisioned': 'provisioned',
    'request-deprovisioning': 'deprovisioning_requested',
    'mark-deprovisioned': 'deprovisioned',
    'cancel-request': 'no_account',
  };
  return path.length === 0 ? 'no_account' : targets[path.at(-1)!];
};

describe('account actions over HTTP', () => {
  let h: Harness;
  const companyId = newCompany();
  let providerId: string;
  let admin: ReturnType<typeof caller>;
  const adminId = 'admin-1';

  beforeAll(async () => {
    h = await startAccounts('accounts_actions');
    await seedHire(h.service, companyId, { id: adminId, accessLevel: 'admin' });
    await seedHire(h.service, companyId, { id: 'admin-2', accessLevel: 'admin' });
    await seedHire(h.service, companyId, { id: 'plain-1', accessLevel: 'employee' });
    providerId = (await seedProvider(h.service, companyId, { provisioningAssigneeId: adminId, deprovisioningAssigneeId: 'admin-2' })).providerId;
    admin = caller(h.service, companyId, adminId, 'admin');
  });
  afterAll(() => h.close());

  async function historyCount(employeeId: string): Promise<number> {
    const { rows } = await sql<{ n: number }>`select count(*)::int as n from account_history where employee_id = ${employeeId}`.execute(h.service.runtime.db.kysely);
    return rows[0]!.n;
  }

  /**
   * Runs `act` while a transaction of the test holds the account's row lock (or, with no row yet, a
   * conflicting insert of its key), and lets go once two writers wait on it: their reads have both happened.
   */
  async function holdingAccount<T>(employeeId: string, rowExists: boolean, act: () => Promise<T>): Promise<T> {
    return h.service.runtime.db.kysely.connection().execute(async (conn) => {
      await sql`begin`.execute(conn);
      if (rowExists) {
        await sql`select 1 from accounts where provider_id = ${providerId} and employee_id = ${employeeId} for update`.execute(conn);
      } else {
        await sql`insert into accounts (company_id, provider_id, employee_id, status, version, updated_at)
          values (${companyId}, ${providerId}, ${employeeId}, 'no_account', 1, now())`.execute(conn);
      }
      const acting = act();
      await waitFor(async () => {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_stat_activity
          where datname = current_database() and wait_event_type = 'Lock'`.execute(h.service.runtime.db.kysely);
        return rows[0]!.n >= 2;
      }, { what: 'both actions waiting on the account' });
      await sql`rollback`.execute(conn);
      return acting;
    });
  }

  const url = (employeeId: string, action: string, provider = providerId) => `/v1/providers/${provider}/accounts/${employeeId}/${action}`;

  async function accountIn(path: AccountAction[]): Promise<string> {
    const employee = await seedHire(h.service, companyId);
    if (path.length > 0) {
      const response = await admin.post('/v1/accounts/batch', { actions: path.map((action) => ({ providerId, employeeId: employee.id, action })) });
      expect(response.json().results.every((result: { ok: boolean }) => result.ok)).toBe(true);
    }
    return employee.id;
  }

  const cases = startingStates.flatMap((state) => accountActions.map((action) => ({ ...state, action, to: state.moves[action] })));

  // The whole table of contract section 5 through the API: allowed moves answer 200 with the new status, others 409 INVALID_TRANSITION.
  it.each(cases.map((entry) => ({ ...entry, outcome: entry.to ?? 'refused' })))('$name + $action → $outcome', async ({ path, moves, action, to }) => {
    const employeeId = await accountIn(path);
    const response = await admin.post(url(employeeId, action), {});
    if (to) {
      expect(response.statusCode).toBe(200);
      expect(response.json()).toMatchObject({ providerId, employeeId, status: to, version: path.length + 1 });
    } else {
      expect(response.statusCode).toBe(409);
      expect(response.json().error).toMatchObject({
        code: 'INVALID_TRANSITION',
        details: { currentStatus: statusAfter(path), allowed: Object.keys(moves) },
      });
    }
  });

  // Two admins acting at once on what they both saw (version 1): exactly one wins, the other gets a 409 saying why.
  it('lets exactly one of two conflicting actions on the same version win', async () => {
    const employeeId = await accountIn(['mark-provisioned']);
    const [a, b] = await Promise.all([
      admin.post(url(employeeId, 'request-deprovisioning'), {}, { 'if-match': '"1"' }),
      admin.post(url(employeeId, 'mark-deprovisioned'), {}, { 'if-match': '"1"' }),
    ]);
    expect([a.statusCode, b.statusCode].sort(), `${a.body} ${b.body}`).toEqual([200, 409]);
    const loser = a.statusCode === 409 ? a : b;
    expect(loser.json().error.code).toBe(loser === a ? 'INVALID_TRANSITION' : 'CONFLICT');
    expect(await historyCount(employeeId)).toBe(2);
  });

  // Two actions whose reads overlap in the database: the second write finds the version moved and loses, never both.
  it('lets exactly one of two overlapping actions win without If-Match', async () => {
    for (const [first, second, existing] of [
      ['request-deprovisioning', 'mark-deprovisioned', ['mark-provisioned']],
      ['request-provisioning', 'mark-provisioned', []],
    ] as const) {
      const employeeId = await accountIn([...existing]);
      // Hold the account's row (or its key) so that both requests read version N before either can write.
      const answers = await holdingAccount(employeeId, existing.length > 0, () =>
        Promise.all([admin.post(url(employeeId, first), {}), admin.post(url(employeeId, second), {})]),
      );
      expect(answers.map((answer) => answer.statusCode).sort(), answers.map((answer) => answer.body).join(' ')).toEqual([200, 409]);
      const loser = answers.find((answer) => answer.statusCode === 409)!;
      expect(['INVALID_TRANSITION', 'CONFLICT']).toContain(loser.json().error.code);
      expect(await historyCount(employeeId)).toBe(existing.length + 1);
    }
  });

  // The same action twice at once: one request is opened, the repeat is refused as a move the new status forbids.
  it('opens one request when the same request is sent twice at once', async () => {
    const employeeId = await accountIn([]);
    const answers = await Promise.all([admin.post(url(employeeId, 'request-provisioning'), {}), admin.post(url(employeeId, 'request-provisioning'), {})]);
    expect(answers.map((answer) => answer.statusCode).sort()).toEqual([200, 409]);
    const loser = answers.find((answer) => answer.statusCode === 409)!;
    expect(loser.json().error.code).toBe('INVALID_TRANSITION');
    expect(loser.json().error.details.currentStatus).toBe('provisioning_requested');
  });

  // A stale If-Match is refused with CONFLICT and changes nothing.
  it('refuses an action decided on a stale version', async () => {
    const employeeId = await accountIn(['mark-provisioned']);
    const stale = await admin.post(url(employeeId, 'request-deprovisioning'), {}, { 'if-match': '"0"' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json().error.code).toBe('CONFLICT');
    const fresh = await admin.post(url(employeeId, 'request-deprovisioning'), {}, { 'if-match': '"1"' });
    expect(fresh.statusCode).toBe(200);
    expect(fresh.headers.etag).toBe('"2"');
  });

  // A request goes to the provider's assignee for its direction, with its due date, and every change leaves history and an event.
  it('assigns requests, records history and publishes account.status_changed', async () => {
    const events = await collectEvents(h.broker, 'ACCOUNTS');
    const employeeId = await accountIn([]);
    const dueAt = '2026-12-01T09:00:00.000Z';
    const requested = await admin.post(url(employeeId, 'request-provisioning'), { note: 'needs Slack', dueAt });
    expect(requested.json()).toMatchObject({ status: 'provisioning_requested', assigneeId: adminId, dueAt, note: 'needs Slack', version: 1 });
    expect(requested.json().requestedAt).toEqual(expect.any(String));
    const done = await admin.post(url(employeeId, 'mark-provisioned'), {});
    expect(done.json()).toMatchObject({ status: 'provisioned', assigneeId: null, dueAt: null, requestedAt: null, version: 2 });
    const removal = await admin.post(url(employeeId, 'request-deprovisioning'), {});
    expect(removal.json().assigneeId).toBe('admin-2');

    const history = await admin.get(`/v1/employees/${employeeId}/accounts/history`);
    expect(history.json().items.map((item: { from: string; to: string }) => `${item.from}>${item.to}`)).toEqual([
      'provisioned>deprovisioning_requested',
      'provisioning_requested>provisioned',
      'no_account>provisioning_requested',
    ]);
    expect(history.json().items[2]).toMatchObject({ actorId: adminId, note: 'needs Slack', providerId });

    const changes = await waitFor(() => {
      const mine = events.ofType('account.status_changed').filter((event) => event.data.employeeId === employeeId);
      return mine.length === 3 && mine;
    }, { what: 'three account.status_changed events' });
    expect(changes.map((event) => event.data)).toEqual([
      expect.objectContaining({ companyId, providerId, from: 'no_account', to: 'provisioning_requested', assigneeId: adminId, dueAt, actorId: adminId, version: 1 }),
      expect.objectContaining({ from: 'provisioning_requested', to: 'provisioned', assigneeId: null, previousAssigneeId: adminId, version: 2 }),
      expect.objectContaining({ from: 'provisioned', to: 'deprovisioning_requested', assigneeId: 'admin-2', version: 3 }),
    ]);
    await events.stop();
  });

  // A cancelled request goes back to no_account and keeps its row, so the version keeps growing.
  it('keeps counting versions across a return to no_account', async () => {
    const employeeId = await accountIn(['request-provisioning']);
    const cancelled = await admin.post(url(employeeId, 'cancel-request'), { note: 'not needed' });
    expect(cancelled.json()).toMatchObject({ status: 'no_account', version: 2 });
    const again = await admin.post(url(employeeId, 'request-provisioning'), {});
    expect(again.json()).toMatchObject({ status: 'provisioning_requested', version: 3 });
    const history = await admin.get(`/v1/employees/${employeeId}/accounts/history`);
    expect(history.json().items[1]).toMatchObject({ from: 'provisioning_requested', to: 'no_account', reason: 'cancelled', note: 'not needed' });
  });

  // An explicit assignee must be an active Full Access Admin of the company.
  it('refuses an assignee who is not an active admin with 422', async () => {
    const employeeId = await accountIn([]);
    for (const assigneeId of ['plain-1', 'nobody', employeeId]) {
      const response = await admin.post(url(employeeId, 'request-provisioning'), { assigneeId });
      expect(response.statusCode).toBe(422);
      expect(response.json().error.code).toBe('INVALID_REFERENCE');
    }
    const ok = await admin.post(url(employeeId, 'request-provisioning'), { assigneeId: 'admin-2' });
    expect(ok.json()).toMatchObject({ status: 'provisioning_requested', assigneeId: 'admin-2' });
  });

  // Unknown and archived providers, and unknown employees, are 404 for actions.
  it('answers 404 for an unknown or archived provider and an unknown employee', async () => {
    const employeeId = await accountIn([]);
    const archived = await seedProvider(h.service, companyId, { archived: true });
    for (const target of [url(employeeId, 'mark-provisioned', archived.providerId), url(employeeId, 'mark-provisioned', '7d1f0c52-1111-4222-8333-944445555666'), url('nobody-here', 'mark-provisioned')]) {
      const response = await admin.post(target, {});
      expect(response.statusCode).toBe(404);
      expect(response.json().error.code).toBe('NOT_FOUND');
    }
  });

  // A terminated employee can be deprovisioned but not given access again; the refusal lists what is allowed.
  it('refuses to grant access to a terminated employee', async () => {
    const employeeId = await accountIn(['mark-provisioned', 'mark-deprovisioned']);
    await seedTermination(h.service, companyId, employeeId);
    const response = await admin.post(url(employeeId, 'request-provisioning'), {});
    expect(response.statusCode).toBe(409);
    expect(response.json().error).toMatchObject({ code: 'INVALID_TRANSITION', details: { currentStatus: 'deprovisioned', allowed: [] } });
  });

  // Malformed input is a 400 VALIDATION_FAILED naming the field, and changes nothing.
  it('refuses bad input with 400 and changes nothing', async () => {
    const employeeId = await accountIn(['mark-provisioned']);
    const bad: [string, unknown][] = [
      [url(employeeId, 'request-deprovisioning'), { colour: 'red' }],
      [url(employeeId, 'request-deprovisioning'), { note: 42 }],
      [url(employeeId, 'request-deprovisioning'), { dueAt: 'tomorrow' }],
      [url(employeeId, 'mark-deprovisioned'), { dueAt: '2026-12-01T00:00:00Z' }],
      [url(employeeId, 'mark-deprovisioned'), { assigneeId: 'admin-2' }],
      [url(employeeId, 'not-an-action'), {}],
      [`/v1/providers/not-a-uuid/accounts/${employeeId}/mark-deprovisioned`, {}],
      ['/v1/accounts/batch', { actions: [{ providerId, employeeId, action: 'mark-deprovisioned', extra: true }] }],
      ['/v1/accounts/batch', { actions: [{ providerId, employeeId, action: 'explode' }] }],
      ['/v1/accounts/batch', { actions: [{ providerId, employeeId, action: 'mark-deprovisioned', dueAt: '2026-12-01T00:00:00Z' }] }],
      ['/v1/accounts/batch', { actions: [] }],
      ['/v1/accounts/batch', { actions: 'all' }],
      ['/v1/accounts/batch', { actions: Array.from({ length: 501 }, () => ({ providerId, employeeId, action: 'mark-deprovisioned' })) }],
    ];
    for (const [target, body] of bad) {
      const response = await admin.post(target, body);
      expect([400, 404], `${target} ${JSON.stringify(body)}`).toContain(response.statusCode);
      if (!target.includes('not-an-action')) {
        expect(response.statusCode, `${target} ${JSON.stringify(body)}`).toBe(400);
        expect(response.json().error.code).toBe('VALIDATION_FAILED');
        expect(response.json().error.details.length).toBeGreaterThan(0);
      }
    }
    const unknownField = await admin.post(url(employeeId, 'request-deprovisioning'), { colour: 'red' });
    expect(unknownField.json().error.details).toEqual([{ path: 'colour', message: expect.any(String), location: 'body' }]);
    const account = await admin.get(`/v1/employees/${employeeId}/accounts?limit=500`);
    expect(account.json().items.find((item: { providerId: string }) => item.providerId === providerId)).toMatchObject({ status: 'provisioned', version: 1 });
  });

  // An action may be sent without a body at all.
  it('accepts an action without a body', async () => {
    const employeeId = await accountIn([]);
    const response = await admin.post(url(employeeId, 'mark-provisioned'));
    expect(response.statusCode, response.body).toBe(200);
    expect(response.json().status).toBe('provisioned');
  });

  // Counters are spread over stripes (one per connection) so that concurrent changes do not queue on one row: the
  // summary adds them up, with requests committing at once and with a counter split over several stripes.
  it('counts every account when many requests commit at once', async () => {
    const people = await Promise.all(Array.from({ length: 24 }, () => accountIn([])));
    const answers = await Promise.all(people.map((employeeId) => admin.post(url(employeeId, 'request-provisioning'), {})));
    expect(answers.map((answer) => answer.statusCode)).toEqual(people.map(() => 200));
    const db = h.service.runtime.db.kysely;
    const actual = async () => {
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from accounts
        where company_id = ${companyId} and provider_id = ${providerId} and status = 'provisioning_requested'`.execute(db);
      return rows[0]!.n;
    };
    const summarised = async () => {
      const items = (await admin.get(`/v1/access/summary?providerId=${providerId}`)).json().items as { counts: Record<string, number> }[];
      return items[0]!.counts.provisioningRequested;
    };
    expect(await actual()).toBeGreaterThanOrEqual(people.length);
    expect(await summarised()).toBe(await actual());
    // Moves one request's count from its stripe to a stripe of its own: the total stays.
    await sql`update account_counts set count = count - 1 where (company_id, provider_id, status, stripe) =
      (select company_id, provider_id, status, stripe from account_counts
       where company_id = ${companyId} and provider_id = ${providerId} and status = 'provisioning_requested' and count > 0 limit 1)`.execute(db);
    await sql`insert into account_counts (company_id, provider_id, status, stripe, count)
      values (${companyId}, ${providerId}, 'provisioning_requested', 100, 1)`.execute(db);
    expect(await summarised()).toBe(await actual());
  });

  // A batch answers per item in order; one failure does not stop the others.
  it('applies a batch item by item, in order', async () => {
    const first = await accountIn([]);
    const second = await accountIn(['mark-provisioned']);
    const response = await admin.post('/v1/accounts/batch', {
      actions: [
        { providerId, employeeId: first, action: 'request-provisioning', dueAt: '2026-12-24T00:00:00Z', note: 'first' },
        { providerId, employeeId: second, action: 'request-provisioning' },
        { providerId, employeeId: first, action: 'mark-provisioned' },
        { providerId: '7d1f0c52-1111-4222-8333-944445555666', employeeId: first, action: 'cancel-request' },
        { providerId, employeeId: second, action: 'request-deprovisioning' },
      ],
    });
    expect(response.statusCode).toBe(200);
    const results = response.json().results;
    expect(results.map((result: { ok: boolean }) => result.ok)).toEqual([true, false, true, false, true]);
    expect(results[0].account).toMatchObject({ status: 'provisioning_requested', version: 1 });
    expect(results[1].error).toMatchObject({ code: 'INVALID_TRANSITION', details: { currentStatus: 'provisioned' } });
    expect(results[2].account).toMatchObject({ status: 'provisioned', version: 2 });
    expect(results[3].error.code).toBe('NOT_FOUND');
    expect(results[4].account).toMatchObject({ status: 'deprovisioning_requested' });
  });
});
