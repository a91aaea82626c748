#!/usr/bin/env node
// `npm run bench -- web`: the console's two budgets (issue 7), measured and printed, not asserted as tests.
//  1. the initial JavaScript, gzipped (web/scripts/size.mjs): budget 300 KB;
//  2. the time until the provider page of a company with 10,000 people shows its first rows: budget 1 s.
//     The whole system is started as real processes (the e2e harness, e2e/src/system.ts), 10,000 hires go in
//     through POST /v1/hr/events in batches of 500, and Debian's Chromium loads /providers/<id>; the time is
//     from the start of the navigation to the first frame after the first checklist row is in the page.
// Needs PostgreSQL and NATS like the tests (DATABASE_URL, NATS_URL; scripts/bench.mjs defaults them to the
// local ones). Builds what is stale first: the services (tsc -b) and the console (web/dist).
// Output ends with `web provider page first rows (10,000 people): <ms> ms`. BENCH_RUNS sets the loads (5).
// The functions given to addInitScript and evaluate run in the page:
/* global document, MutationObserver, requestAnimationFrame */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { buildWebIfStale } from './build-if-stale.mjs';
import { launchChromium } from './chromium.mjs';

const root = resolve(import.meta.dirname, '../..');
const PEOPLE = 10_000;
const BATCH = 500;
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const BUDGET_MS = 1000;

/** ANALYZE in every database the harness made for this system (named provisio_e2e_<label>_<service>_<hex>). */
async function analyseDatabases(label) {
  const server = process.env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';
  const admin = new pg.Client({ connectionString: server });
  await admin.connect();
  const prefix = `provisio_e2e_${label.replace(/\W/g, '_').toLowerCase()}_`;
  const { rows } = await admin.query('select datname from pg_database where starts_with(datname, $1)', [prefix]);
  await admin.end();
  for (const { datname } of rows) {
    const url = new URL(server);
    url.pathname = `/${datname}`;
    const client = new pg.Client({ connectionString: url.toString() });
    await client.connect();
    await client.query('analyze');
    await client.end();
  }
}

/** Waits until no JetStream consumer of the system's namespace has messages pending or unacknowledged, twice. */
async function untilSettled(broker) {
  const prefix = broker.ns.stream('');
  const deadline = Date.now() + 300_000;
  for (let quiet = 0; quiet < 2; ) {
    let backlog = 0;
    for await (const stream of broker.jsm.streams.list()) {
      if (!stream.config.name.startsWith(prefix)) continue;
      for await (const consumer of broker.jsm.consumers.list(stream.config.name)) backlog += consumer.num_pending + consumer.num_ack_pending;
    }
    quiet = backlog === 0 ? quiet + 1 : 0;
    if (Date.now() > deadline) throw new Error(`the services still had ${backlog} messages to process after 5 minutes`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 500));
  }
}

function step(command, args) {
  const result = spawnSync(command, args, { cwd: root, stdio: 'inherit' });
  if (result.status !== 0) process.exit(result.status ?? 1);
}

// 0. What the measurement runs on: compiled services and a current console.
step(join(root, 'node_modules/.bin/tsc'), ['-b']);
buildWebIfStale();

// 1. Initial JavaScript (size.mjs prints each chunk and the total, and exits 1 over its budget).
console.log('\n-- initial JavaScript');
const size = spawnSync(process.execPath, [join(root, 'web/scripts/size.mjs')], { cwd: root, stdio: 'inherit' });
let failed = size.status !== 0;

// 2. The provider page of a company of 10,000 people.
console.log(`\n-- provider page with ${PEOPLE.toLocaleString('en')} people`);
// Node strips the harness's types; it reaches @provisio/testing through its compiled dist (built above).
process.env.E2E_LOG_LEVEL ??= 'warn'; // 10,000 hires would otherwise log every message of every service
const { startSystem } = await import('../../e2e/src/system.ts');
const label = `web-bench-${randomUUID().slice(0, 6)}`;
const system = await startSystem(label);
let browser;
try {
  const company = `bench-${randomUUID().slice(0, 6)}`;
  const adminId = 'p00000';
  const asAdmin = await system.token(adminId, company, 'admin');
  const asHris = await system.token('hris', company, 'integration');

  const firstNames = ['Ada', 'Alan', 'Grace', 'Linus', 'Barbara', 'Ken', 'Margaret', 'Dennis', 'Frances', 'John', 'Radia', 'Edsger'];
  const lastNames = ['Smith', 'Johnson', 'Garcia', 'Miller', 'Davis', 'Lopez', 'Wilson', 'Anderson', 'Taylor', 'Moore', 'Lee', 'Nguyen', 'Hill', 'Adams', 'Baker', 'Rivera', 'Carter'];
  const departments = ['Engineering', 'Sales', 'Marketing', 'Finance', 'People', 'Support', 'Legal', 'Design', 'Operations', 'IT'];
  const person = (i) => {
    const id = `p${String(i).padStart(5, '0')}`;
    return {
      id,
      firstName: firstNames[i % firstNames.length],
      lastName: `${lastNames[(i * 7) % lastNames.length]}-${i}`,
      email: `${id}@bench.example`,
      department: departments[i % departments.length],
      jobTitle: `Title ${i % 15}`,
      location: `City ${i % 8}`,
      managerId: null,
      accessLevel: i === 0 ? 'admin' : 'employee',
      startDate: '2026-01-05',
    };
  };
  const hire = (employee) => ({ specversion: '1.0', id: randomUUID(), source: 'bench-hris', type: 'hr.employee.hired', time: new Date().toISOString(), data: { companyId: company, employee } });

  let started = Date.now();
  for (let from = 0; from < PEOPLE; from += BATCH) {
    const events = Array.from({ length: Math.min(BATCH, PEOPLE - from) }, (_, k) => hire(person(from + k)));
    const response = await system.api('/v1/hr/events', { body: { events }, auth: asHris });
    if (response.status !== 202) throw new Error(`POST /v1/hr/events answered ${response.status}: ${JSON.stringify(response.body)}`);
  }
  console.log(`published ${PEOPLE} hires in ${PEOPLE / BATCH} batches of ${BATCH}: ${Date.now() - started} ms`);

  // The roster is a projection: wait until the accounts service lists all of them.
  started = Date.now();
  const deadline = Date.now() + 300_000;
  for (;;) {
    let count = 0;
    let cursor = '';
    do {
      const page = await system.api(`/v1/employees?limit=500${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ''}`, { auth: asAdmin });
      count += page.body?.items?.length ?? 0;
      cursor = page.body?.nextCursor ?? '';
    } while (cursor);
    if (count >= PEOPLE) break;
    if (Date.now() > deadline) throw new Error(`only ${count} of ${PEOPLE} people reached the roster in 5 minutes`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 1000));
  }
  console.log(`roster holds ${PEOPLE} people after ${Date.now() - started} ms more`);

  // One provider, and 500 of the people provisioned on it, so the page shows a mix of statuses.
  let provider;
  for (const until = Date.now() + 60_000; !provider; ) {
    const body = { name: 'Slack', website: 'https://slack.com', provisioning: { assigneeId: adminId }, deprovisioning: { assigneeId: adminId } };
    const response = await system.api('/v1/providers', { body, auth: asAdmin });
    if (response.status === 201) provider = response.body;
    else if (Date.now() > until) throw new Error(`POST /v1/providers answered ${response.status}: ${JSON.stringify(response.body)}`);
    else await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }
  for (const until = Date.now() + 60_000; ; ) {
    const actions = Array.from({ length: BATCH }, (_, i) => ({ providerId: provider.id, employeeId: person(i * 20).id, action: 'mark-provisioned' }));
    const response = await system.api('/v1/accounts/batch', { body: { actions }, auth: asAdmin });
    if (response.status === 200 && response.body.results.every((result) => result.ok)) break;
    if (Date.now() > until) throw new Error(`POST /v1/accounts/batch answered ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`);
    await new Promise((resolveWait) => setTimeout(resolveWait, 250));
  }

  // Measure a settled system, not one still digesting the seed: every consumer of this namespace caught up.
  started = Date.now();
  await untilSettled(system.broker);
  console.log(`every service caught up ${Date.now() - started} ms later`);

  browser = await launchChromium();
  const url = `${system.baseUrl}/providers/${provider.id}`;
  const token = asAdmin.replace(/^Bearer /, '');
  /** One load in a new context (empty cache, the token already in sessionStorage as after sign-in). */
  async function load() {
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
    await context.addInitScript((value) => {
      sessionStorage.setItem('provisio.token', value);
      // Marks the frame that paints the first checklist row, in ms since the navigation started.
      new MutationObserver((_, observer) => {
        if (!document.querySelector('main table tbody tr')) return;
        observer.disconnect();
        requestAnimationFrame(() => (globalThis.firstRowMs = performance.now()));
      }).observe(document, { childList: true, subtree: true });
    }, token);
    const page = await context.newPage();
    await page.goto(url);
    await page.waitForFunction(() => typeof globalThis.firstRowMs === 'number', null, { timeout: 30_000 });
    const result = await page.evaluate(() => {
      const api = performance.getEntriesByType('resource').find((entry) => /\/v1\/providers\/[^/]+\/accounts/.test(entry.name));
      return { firstRowMs: globalThis.firstRowMs, checklistApiMs: api ? api.duration : NaN, rows: document.querySelectorAll('main table tbody tr').length };
    });
    await context.close();
    return result;
  }
  const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
  /** A warm-up load (the services' caches and pools), then RUNS cold loads; prints each, returns the medians. */
  async function measure(title) {
    await load();
    const runs = [];
    for (let i = 0; i < RUNS; i += 1) runs.push(await load());
    console.log(title);
    for (const [i, run] of runs.entries()) {
      console.log(`  load ${i + 1}: first rows at ${run.firstRowMs.toFixed(0)} ms (checklist API ${run.checklistApiMs.toFixed(0)} ms, ${run.rows} rows)`);
    }
    return { firstRows: median(runs.map((run) => run.firstRowMs)), api: median(runs.map((run) => run.checklistApiMs)) };
  }

  const unanalysed = await measure('as seeded, before PostgreSQL has statistics of the new rows:');
  // A server with autovacuum on analyses new rows within a minute; the test server may run without it
  // (this one has autovacuum=off), so the bench does what autovacuum would, then measures again.
  await analyseDatabases(label);
  const analysed = await measure('after ANALYZE (as autovacuum does on a production server):');
  const load1 = (await import('node:os')).loadavg()[0].toFixed(1);
  console.log(`web checklist API (10,000 people, first page): ${analysed.api.toFixed(0)} ms median (${unanalysed.api.toFixed(0)} ms before ANALYZE)`);
  console.log(`web provider page first rows before ANALYZE: ${unanalysed.firstRows.toFixed(0)} ms`);
  console.log(`web provider page first rows (10,000 people): ${analysed.firstRows.toFixed(0)} ms (median of ${RUNS} cold loads; budget ${BUDGET_MS} ms; load average ${load1})`);
  if (analysed.firstRows > BUDGET_MS) failed = true;
} finally {
  await browser?.close();
  await system.stop();
}
process.exit(failed ? 1 : 0);
