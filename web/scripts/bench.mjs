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
//
// For profiling, not for the reported number (which is always the plain `npm run bench -- web`):
//   BENCH_PEOPLE=2000 …       seeds fewer people (the summary line then says how many);
//   --hold                    keeps the seeded system running after measuring and writes how to reach it to
//                             artifacts/web-bench-system.json; SIGHUP rebuilds (tsc -b, web/dist) and restarts
//                             the gateway, SIGINT/SIGTERM stop it;
//   --reuse [--waterfall]     measures against the held system instead of starting and seeding one;
//                             --waterfall also prints one load's requests, long tasks and paint marks.
// The functions given to addInitScript and evaluate run in the page:
/* global document, MutationObserver, requestAnimationFrame */
import { spawnSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFile, rm, writeFile } from 'node:fs/promises';
import { loadavg } from 'node:os';
import { join, resolve } from 'node:path';
import pg from 'pg';
import { buildWebIfStale } from './build-if-stale.mjs';
import { launchChromium } from './chromium.mjs';

const root = resolve(import.meta.dirname, '../..');
const PEOPLE = Number(process.env.BENCH_PEOPLE ?? 10_000);
const HOLD = process.argv.includes('--hold');
const REUSE = process.argv.includes('--reuse');
const WATERFALL = process.argv.includes('--waterfall');
const HELD_SYSTEM = join(root, 'artifacts', 'web-bench-system.json');
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

// 0. What the measurement runs on: compiled services (unless a held system runs them) and a current console.
if (!REUSE) step(join(root, 'node_modules/.bin/tsc'), ['-b']);
buildWebIfStale();

// 1. Initial JavaScript (size.mjs prints each chunk and the total, and exits 1 over its budget).
console.log('\n-- initial JavaScript');
const size = spawnSync(process.execPath, [join(root, 'web/scripts/size.mjs')], { cwd: root, stdio: 'inherit' });
let failed = size.status !== 0;

// 2. The provider page of a company of 10,000 people.
console.log(`\n-- provider page with ${PEOPLE.toLocaleString('en')} people`);
const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];
const load1 = () => loadavg()[0].toFixed(1);

/**
 * One load in a new context (empty cache, the token already in sessionStorage as after sign-in). With
 * `waterfall` it also returns the page's requests, long tasks and paint marks (observing them costs a little).
 */
async function load(browser, url, token, { waterfall = false } = {}) {
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  await context.addInitScript(({ value, observeLongTasks }) => {
    sessionStorage.setItem('provisio.token', value);
    // Marks the frame that paints the first checklist row, in ms since the navigation started.
    new MutationObserver((_, observer) => {
      if (!document.querySelector('main table tbody tr')) return;
      observer.disconnect();
      requestAnimationFrame(() => (globalThis.firstRowMs = performance.now()));
    }).observe(document, { childList: true, subtree: true });
    if (observeLongTasks) {
      globalThis.longTasks = [];
      new PerformanceObserver((list) => {
        for (const entry of list.getEntries()) globalThis.longTasks.push({ start: entry.startTime, duration: entry.duration });
      }).observe({ type: 'longtask', buffered: true });
    }
  }, { value: token, observeLongTasks: waterfall });
  const page = await context.newPage();
  await page.goto(url);
  await page.waitForFunction(() => typeof globalThis.firstRowMs === 'number', null, { timeout: 30_000 });
  const result = await page.evaluate((withWaterfall) => {
    const api = performance.getEntriesByType('resource').find((entry) => /\/v1\/providers\/[^/]+\/accounts/.test(entry.name));
    const summary = { firstRowMs: globalThis.firstRowMs, checklistApiMs: api ? api.duration : NaN, rows: document.querySelectorAll('main table tbody tr').length };
    if (!withWaterfall) return summary;
    const [navigation] = performance.getEntriesByType('navigation');
    const requests = [navigation, ...performance.getEntriesByType('resource')].map((entry) => ({
      name: entry.name.replace(/^https?:\/\/[^/]+/, ''),
      start: entry.startTime,
      requestStart: entry.requestStart,
      responseStart: entry.responseStart,
      end: entry.responseEnd,
      transferSize: entry.transferSize,
      decodedBodySize: entry.decodedBodySize,
      encodedBodySize: entry.encodedBodySize,
    }));
    const paints = performance.getEntriesByType('paint').map((entry) => ({ name: entry.name, at: entry.startTime }));
    const marks = { domContentLoaded: navigation.domContentLoadedEventEnd, load: navigation.loadEventEnd };
    return { ...summary, requests, paints, marks, longTasks: globalThis.longTasks };
  }, waterfall);
  await context.close();
  return result;
}

function printWaterfall(run) {
  const ms = (value) => `${value.toFixed(0).padStart(5)} ms`;
  console.log('one load, in ms since the navigation started:');
  for (const r of [...run.requests].sort((a, b) => a.start - b.start)) {
    const size = r.transferSize ? ` ${r.transferSize} B over the wire, ${r.decodedBodySize} B decoded` : r.decodedBodySize ? ` (cached) ${r.decodedBodySize} B` : '';
    console.log(`  ${ms(r.start)} → ${ms(r.end)}  (wait ${(r.responseStart - r.requestStart).toFixed(0)} ms)  ${r.name}${size}`);
  }
  for (const t of run.longTasks ?? []) console.log(`  long task ${ms(t.start)} for ${t.duration.toFixed(0)} ms`);
  for (const p of run.paints) console.log(`  ${p.name} ${ms(p.at)}`);
  console.log(`  DOMContentLoaded ${ms(run.marks.domContentLoaded)}; first rows ${ms(run.firstRowMs)}`);
}

/** A warm-up load (the services' caches and pools), then RUNS cold loads; prints each, returns the medians. */
async function measure(browser, url, token, title) {
  await load(browser, url, token);
  const runs = [];
  for (let i = 0; i < RUNS; i += 1) runs.push(await load(browser, url, token));
  console.log(title);
  for (const [i, run] of runs.entries()) {
    console.log(`  load ${i + 1}: first rows at ${run.firstRowMs.toFixed(0)} ms (checklist API ${run.checklistApiMs.toFixed(0)} ms, ${run.rows} rows)`);
  }
  return { firstRows: median(runs.map((run) => run.firstRowMs)), api: median(runs.map((run) => run.checklistApiMs)) };
}

/** Starts the whole system and seeds PEOPLE hires, one provider and 500 of them provisioned on it. */
async function seededSystem() {
  // Node strips the harness's types; it reaches @provisio/testing through its compiled dist (built above).
  process.env.E2E_LOG_LEVEL ??= 'warn'; // 10,000 hires would otherwise log every message of every service
  const { startSystem } = await import('../../e2e/src/system.ts');
  const label = `web-bench-${randomUUID().slice(0, 6)}`;
  const system = await startSystem(label);
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
    console.log(`published ${PEOPLE} hires in ${Math.ceil(PEOPLE / BATCH)} batches of ${BATCH}: ${Date.now() - started} ms`);

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

    // One provider, and every 20th person (500 of 10,000) provisioned on it, so the page shows a mix of statuses.
    let provider;
    for (const until = Date.now() + 60_000; !provider; ) {
      const body = { name: 'Slack', website: 'https://slack.com', provisioning: { assigneeId: adminId }, deprovisioning: { assigneeId: adminId } };
      const response = await system.api('/v1/providers', { body, auth: asAdmin });
      if (response.status === 201) provider = response.body;
      else if (Date.now() > until) throw new Error(`POST /v1/providers answered ${response.status}: ${JSON.stringify(response.body)}`);
      else await new Promise((resolveWait) => setTimeout(resolveWait, 250));
    }
    for (const until = Date.now() + 60_000; ; ) {
      const actions = Array.from({ length: Math.min(BATCH, Math.ceil(PEOPLE / 20)) }, (_, i) => ({ providerId: provider.id, employeeId: person(i * 20).id, action: 'mark-provisioned' }));
      const response = await system.api('/v1/accounts/batch', { body: { actions }, auth: asAdmin });
      if (response.status === 200 && response.body.results.every((result) => result.ok)) break;
      if (Date.now() > until) throw new Error(`POST /v1/accounts/batch answered ${response.status}: ${JSON.stringify(response.body).slice(0, 500)}`);
      await new Promise((resolveWait) => setTimeout(resolveWait, 250));
    }

    // Measure a settled system, not one still digesting the seed: every consumer of this namespace caught up.
    started = Date.now();
    await untilSettled(system.broker);
    console.log(`every service caught up ${Date.now() - started} ms later`);
    return { system, label, url: `${system.baseUrl}/providers/${provider.id}`, token: asAdmin.replace(/^Bearer /, '') };
  } catch (error) {
    await system.stop();
    throw error;
  }
}

/** --hold: keeps the system up for `--reuse` runs until SIGINT/SIGTERM; SIGHUP rebuilds and restarts the gateway. */
async function hold({ system, url, token }) {
  await writeFile(HELD_SYSTEM, JSON.stringify({ url, token, people: PEOPLE, pid: process.pid }, null, 2));
  console.log(`holding the system at ${url} (${HELD_SYSTEM}); kill -HUP ${process.pid} to rebuild and restart the gateway`);
  let busy = false;
  process.on('SIGHUP', () => {
    if (busy) return;
    busy = true;
    (async () => {
      const tsc = spawnSync(join(root, 'node_modules/.bin/tsc'), ['-b'], { cwd: root, stdio: 'inherit' });
      if (tsc.status !== 0) throw new Error('tsc -b failed; the gateway keeps running the previous build');
      buildWebIfStale();
      await system.kill('gateway', 'SIGTERM');
      await system.restart('gateway');
      console.log(`gateway restarted (load average ${load1()})`);
    })()
      .catch((error) => console.error('rebuild failed:', error))
      .finally(() => (busy = false));
  });
  await new Promise((resolveStop) => {
    process.once('SIGINT', resolveStop);
    process.once('SIGTERM', resolveStop);
  });
  await rm(HELD_SYSTEM, { force: true });
}

let browser;
let seeded;
try {
  if (REUSE) {
    const held = JSON.parse(await readFile(HELD_SYSTEM, 'utf8'));
    browser = await launchChromium();
    if (WATERFALL) printWaterfall(await load(browser, held.url, held.token, { waterfall: true }));
    const { firstRows, api } = await measure(browser, held.url, held.token, `the held system (${held.people} people):`);
    console.log(`web provider page first rows (held system, ${held.people} people): ${firstRows.toFixed(0)} ms (checklist API ${api.toFixed(0)} ms; median of ${RUNS} cold loads; load average ${load1()})`);
  } else {
    seeded = await seededSystem();
    browser = await launchChromium();
    const { url, token } = seeded;
    const unanalysed = await measure(browser, url, token, 'as seeded (the services analyse changed tables every 15 s where autovacuum is off; the newest changes may not be yet):');
    // A server with autovacuum on analyses new rows within a minute; without it (this test server has
    // autovacuum=off, PGlite has none) the services do it every 15 s (libs/db auto-analyze). The bench then
    // analyses everything itself and measures again: the settled state.
    await analyseDatabases(seeded.label);
    const analysed = await measure(browser, url, token, 'after an ANALYZE of every table (settled statistics):');
    const people = PEOPLE.toLocaleString('en');
    console.log(`web checklist API (${people} people, first page): ${analysed.api.toFixed(0)} ms median (${unanalysed.api.toFixed(0)} ms as seeded)`);
    console.log(`web provider page first rows as seeded: ${unanalysed.firstRows.toFixed(0)} ms`);
    console.log(`web provider page first rows (${people} people): ${analysed.firstRows.toFixed(0)} ms (median of ${RUNS} cold loads; budget ${BUDGET_MS} ms; load average ${load1()})`);
    if (analysed.firstRows > BUDGET_MS) failed = true;
    if (HOLD) {
      await browser.close();
      browser = undefined;
      await hold(seeded);
    }
  }
} finally {
  await browser?.close();
  await seeded?.system.stop();
}
process.exit(failed ? 1 : 0);
