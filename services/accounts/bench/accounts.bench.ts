/**
 * `npm run bench -w @provisio/accounts` (from the repository root): seeds one company with 10,000 employees
 * and 50 providers (100,000 accounts that are not `no_account`) straight into PostgreSQL, starts the
 * accounts service over HTTP on a random port and prints p50/p95 latencies of the checklist, the profile
 * section, the summary, the risks and a batch of 500 actions. Targets: reads p95 ≤ 25 ms, batch < 1 s.
 *
 * Needs DATABASE_URL (a PostgreSQL server where it may create and drop a database) and NATS_URL, as the tests.
 */
import { sql } from 'kysely';
import { createLogger, loadConfig } from '@provisio/service-kit';
import { bearer, connectTestBroker, createTestDatabase, testEnv, testNamespace } from '@provisio/testing';
import { accountsConfigSchema, createAccountsService, type AccountsService } from '@provisio/accounts';

const companyId = 'bench-co';
const employees = 10_000;
const providerCount = 50;
const accountsPerEmployee = 10;
const readIterations = Number(process.env.BENCH_ITERATIONS ?? 200);
const batchIterations = Number(process.env.BENCH_BATCHES ?? 10);

const lastNames = [
  'Smith', 'Johnson', 'Williams', 'Brown', 'Jones', 'Garcia', 'Miller', 'Davis', 'Rodriguez', 'Martinez',
  'Hernandez', 'Lopez', 'Gonzalez', 'Wilson', 'Anderson', 'Thomas', 'Taylor', 'Moore', 'Jackson', 'Martin',
  'Lee', 'Perez', 'Thompson', 'White', 'Harris', 'Sanchez', 'Clark', 'Ramirez', 'Lewis', 'Robinson',
  'Walker', 'Young', 'Allen', 'King', 'Wright', 'Scott', 'Torres', 'Nguyen', 'Hill', 'Flores',
  'Green', 'Adams', 'Nelson', 'Baker', 'Hall', 'Rivera', 'Campbell', 'Mitchell', 'Carter', 'Roberts',
];
const firstNames = ['Ada', 'Alan', 'Grace', 'Linus', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Frances', 'John', 'Radia', 'Edsger'];

async function seed(service: AccountsService): Promise<void> {
  const db = service.runtime.db.kysely;
  const started = Date.now();
  const lasts = sql`${lastNames}::text[]`;
  const firsts = sql`${firstNames}::text[]`;
  // 5 % have left (some still holding access: the risks); every tenth is a manager of the next nine.
  await sql`insert into roster_employees (company_id, id, first_name, last_name, email, department, job_title, location,
      manager_id, access_level, status, start_date, termination_date)
    select ${companyId}, 'e' || lpad(i::text, 5, '0'), (${firsts})[1 + i % 12], (${lasts})[1 + (i * 7) % 50],
      'user' || i || '@bench.example', 'Dept ' || (i % 20), 'Title ' || (i % 15), 'City ' || (i % 8),
      case when i % 10 = 0 then null else 'e' || lpad(((i / 10) * 10)::text, 5, '0') end,
      case when i < 20 then 'admin' when i % 10 = 0 then 'manager' else 'employee' end,
      case when i % 20 = 19 then 'terminated' else 'active' end,
      date '2020-01-01' + (i % 1500),
      case when i % 20 = 19 then date '2026-01-01' + (i % 300) end
    from generate_series(0, ${employees - 1}) i`.execute(db);
  await sql`insert into providers (company_id, id, name, logo_url, provisioning_assignee_id, deprovisioning_assignee_id, archived, version)
    select ${companyId}, gen_random_uuid(), 'App ' || lpad(n::text, 2, '0'), 'https://logo.example/' || n || '.png', 'e00000', 'e00001', false, 1
    from generate_series(0, ${providerCount - 1}) n`.execute(db);
  // Each person has 10 providers; statuses spread 70 / 10 / 5 / 15 % (no open provisioning request for leavers).
  await sql`with p as (select id, row_number() over (order by name) - 1 as n from providers where company_id = ${companyId}),
    pairs as (
      select i, k, (i * 31 + k * 17) % 100 as r, i % 20 = 19 as gone
      from generate_series(0, ${employees - 1}) i cross join generate_series(0, ${accountsPerEmployee - 1}) k),
    chosen as (
      select pairs.*, case
        when r < 70 or (r < 80 and gone) then 'provisioned'
        when r < 80 then 'provisioning_requested'
        when r < 85 then 'deprovisioning_requested'
        else 'deprovisioned' end as status
      from pairs)
    insert into accounts (company_id, provider_id, employee_id, status, requested_from, assignee_id, requested_at, due_at,
      note, version, created_at, updated_at)
    select ${companyId}, p.id, 'e' || lpad(i::text, 5, '0'), status,
      case status when 'provisioning_requested' then 'no_account' when 'deprovisioning_requested' then 'provisioned' end,
      case when status in ('provisioning_requested', 'deprovisioning_requested') then 'e00000' end,
      case when status in ('provisioning_requested', 'deprovisioning_requested') then now() - interval '2 days' end,
      null, null, 1 + (i + k) % 3, now() - interval '30 days', now() - interval '1 day'
    from chosen join p on p.n = (i * 3 + k * 5) % ${providerCount}`.execute(db);
  await sql`insert into account_counts (company_id, provider_id, status, count)
    select company_id, provider_id, status, count(*) from accounts where company_id = ${companyId} and status <> 'no_account'
    group by company_id, provider_id, status`.execute(db);
  await sql`vacuum analyze`.execute(db);
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from accounts`.execute(db);
  console.log(`seeded ${employees} employees, ${providerCount} providers, ${rows[0]?.n} accounts in ${Date.now() - started} ms`);
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? Number.NaN;
}

interface Result {
  name: string;
  p50: number;
  p95: number;
  max: number;
  n: number;
  target: number;
}

async function main(): Promise<void> {
  const testDb = await createTestDatabase('accounts_bench');
  const ns = testNamespace();
  const config = loadConfig(accountsConfigSchema, { ...testEnv(ns), ACCOUNTS_DATABASE_URL: testDb.url, LOG_LEVEL: 'warn' });
  const service = await createAccountsService(config, createLogger({ name: 'accounts', level: config.LOG_LEVEL }));
  const broker = await connectTestBroker(ns, 'accounts-bench');
  try {
    await service.start();
    await seed(service);
    await service.app.listen({ host: '127.0.0.1', port: 0 });
    const address = service.app.server.address();
    if (address === null || typeof address === 'string') throw new Error('the service is not listening on a TCP port');
    const base = `http://127.0.0.1:${address.port}`;
    const authorization = await bearer('e00000', companyId, 'admin');

    async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ ms: number; json: Record<string, unknown> }> {
      const started = performance.now();
      const response = await fetch(`${base}${path}`, {
        method,
        headers: { authorization, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        ...(body === undefined ? {} : { body: JSON.stringify(body) }),
      });
      const json = (await response.json()) as Record<string, unknown>;
      const ms = performance.now() - started;
      if (!response.ok) throw new Error(`${method} ${path} answered ${response.status}: ${JSON.stringify(json).slice(0, 300)}`);
      return { ms, json };
    }

    const db = service.runtime.db.kysely;
    const providerIds = (await sql<{ id: string }>`select id from providers where company_id = ${companyId} order by name`.execute(db)).rows.map((row) => row.id);
    const checklist = `/v1/providers/${providerIds[7]}/accounts`;

    // A cursor about 8,000 people deep, found once by walking big pages.
    let deepCursor = '';
    for (let page = 0, cursor = ''; page < 16; page++) {
      const { json } = await call('GET', `${checklist}?limit=500${cursor ? `&cursor=${cursor}` : ''}`);
      cursor = String(json.nextCursor);
      deepCursor = cursor;
    }

    const reads: { name: string; path: () => string }[] = [
      { name: 'checklist, first page of 50', path: () => `${checklist}?limit=50` },
      { name: 'checklist, deep page (~8,000th person)', path: () => `${checklist}?limit=50&cursor=${deepCursor}` },
      { name: 'checklist, status=deprovisioning_requested', path: () => `${checklist}?limit=50&status=deprovisioning_requested` },
      { name: 'checklist, status=provisioned&department', path: () => `${checklist}?limit=50&status=provisioned&department=Dept%207` },
      { name: 'checklist, q=grace', path: () => `${checklist}?limit=50&q=grace` },
      { name: 'checklist, q=user123 (email)', path: () => `${checklist}?limit=50&q=user123` },
      { name: 'profile section (50 providers)', path: () => `/v1/employees/e${String(Math.floor(Math.random() * employees)).padStart(5, '0')}/accounts?limit=50` },
      { name: 'summary (50 providers)', path: () => '/v1/access/summary?limit=50' },
      { name: 'risks, first page of 50', path: () => '/v1/access/risks?limit=50' },
      { name: 'access list, first page of 50', path: () => '/v1/access?limit=50' },
      { name: 'employees list, first page of 50', path: () => '/v1/employees?limit=50' },
    ];

    const results: Result[] = [];
    for (const read of reads) {
      for (let i = 0; i < 20; i++) await call('GET', read.path());
      const times: number[] = [];
      for (let i = 0; i < readIterations; i++) times.push((await call('GET', read.path())).ms);
      times.sort((a, b) => a - b);
      results.push({ name: read.name, p50: percentile(times, 50), p95: percentile(times, 95), max: times.at(-1)!, n: times.length, target: 25 });
    }

    // Batches of 500 real changes: 250 requests to remove an existing account, 250 requests for a new one.
    const batchTimes: number[] = [];
    for (let batch = -1; batch < batchIterations; batch++) {
      const offset = (batch + 1) * 250;
      const people = Array.from({ length: 250 }, (_, index) => offset + index).filter((i) => i % 20 !== 19).slice(0, 250);
      const actions = [];
      for (const i of people) {
        const employeeId = `e${String(i).padStart(5, '0')}`;
        actions.push({ providerId: providerIds[(i * 3 + 1) % providerCount]!, employeeId, action: 'request-provisioning' as const });
      }
      const holders = await sql<{ provider_id: string; employee_id: string }>`select a.provider_id, a.employee_id from accounts a
          join roster_employees e on e.company_id = a.company_id and e.id = a.employee_id
        where a.company_id = ${companyId} and a.status = 'provisioned' and e.status = 'active'
        order by a.employee_id desc, a.provider_id offset ${(batch + 1) * 500} limit ${500 - actions.length}`.execute(db);
      for (const row of holders.rows) actions.push({ providerId: row.provider_id, employeeId: row.employee_id, action: 'request-deprovisioning' as const });
      const { ms, json } = await call('POST', '/v1/accounts/batch', { actions });
      const failed = (json.results as { ok: boolean; error?: { code: string } }[]).filter((result) => !result.ok);
      if (failed.length > 0) throw new Error(`${failed.length} batch items failed, e.g. ${JSON.stringify(failed[0])}`);
      if (batch >= 0) batchTimes.push(ms);
    }
    batchTimes.sort((a, b) => a - b);
    results.push({ name: 'batch of 500 actions', p50: percentile(batchTimes, 50), p95: percentile(batchTimes, 95), max: batchTimes.at(-1)!, n: batchTimes.length, target: 1_000 });

    const pad = (text: string, width: number) => text.padEnd(width);
    const num = (value: number) => value.toFixed(1).padStart(8);
    console.log(`\n${pad('accounts service over HTTP', 44)}       p50      p95      max    n  target`);
    for (const result of results) {
      const ok = result.p95 <= result.target ? 'ok' : 'MISSED';
      console.log(`${pad(result.name, 44)} ${num(result.p50)} ${num(result.p95)} ${num(result.max)} ${String(result.n).padStart(4)}  ≤${result.target} ms ${ok}`);
    }
    process.exitCode = results.every((result) => result.p95 <= result.target) ? 0 : 1;
  } finally {
    await service.close();
    await broker.cleanup();
    await testDb.drop();
  }
}

await main();
