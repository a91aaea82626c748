import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { anEmployee, waitFor } from '@provisio/testing';
import { startSystem, type System } from '../../e2e/src/system.js';
import { launchChromium } from '../scripts/chromium.mjs';
import { screenshot, seriousAccessibilityViolations, signIn, unreadOnBell } from './console-page.js';

// The console as people use it: Debian's Chromium against the whole system (services, gateway, PostgreSQL,
// NATS). The tests run in order and build on each other: (a) adds Slack, (b) onboards Nia onto it, (c) is
// Nia looking at her accounts, (d) her termination.
const company = `acme-${randomUUID().slice(0, 6)}`;
const ada = anEmployee({ id: `ada-${randomUUID().slice(0, 6)}`, firstName: 'Ada', lastName: 'Admin', accessLevel: 'admin', department: 'IT' });
const pat = anEmployee({ id: `pat-${randomUUID().slice(0, 6)}`, firstName: 'Pat', lastName: 'Lee', department: 'Sales' });
const nia = anEmployee({ id: `nia-${randomUUID().slice(0, 6)}`, firstName: 'Nia', lastName: 'New', department: 'Engineering' });
const bo = anEmployee({ id: `bo-${randomUUID().slice(0, 6)}`, firstName: 'Bo', lastName: 'Backup', accessLevel: 'admin', department: 'IT' });
const hrEvent = (type: string, data: object) => ({ specversion: '1.0', id: randomUUID(), source: 'web-e2e-hris', type, time: new Date().toISOString(), data });

describe('the console in a browser', () => {
  let system: System;
  let browser: Browser;
  let asAda: string;
  let asHris: string;
  let admin: Page;
  const contexts: BrowserContext[] = [];
  const pageErrors: string[] = [];

  /** A fresh browser context (its own sessionStorage, so its own session) with one page. */
  async function newPage(viewport = { width: 1280, height: 900 }): Promise<Page> {
    const context = await browser.newContext({ viewport });
    context.setDefaultTimeout(20_000);
    contexts.push(context);
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(`${page.url()}: ${error.message}`));
    return page;
  }

  async function hr(events: object[]) {
    const response = await system.api('/v1/hr/events', { body: { events }, auth: asHris });
    expect(response.status, JSON.stringify(response.body)).toBe(202);
  }

  /** Waits until the public API says `probe` of `path` holds (projections fill from events a moment later). */
  function until(path: string, probe: (body: any) => unknown, what: string) {
    return waitFor(async () => probe((await system.api(path, { auth: asAda })).body), { what, timeoutMs: 30_000, intervalMs: 100 });
  }

  async function expectAccessible(page: Page) {
    expect(await seriousAccessibilityViolations(page), `axe on ${page.url()}`).toEqual([]);
  }

  beforeAll(async () => {
    [system, browser] = await Promise.all([startSystem('web', { devLogin: true }), launchChromium()]);
    asAda = await system.token(ada.id, company, 'admin');
    asHris = await system.token('hris', company, 'integration');
    await hr([ada, pat, bo].map((employee) => hrEvent('hr.employee.hired', { companyId: company, employee })));
    // A second app, made through the API; its 201 also proves the providers service knows Ada is an admin.
    await waitFor(async () => {
      const body = { name: 'Linear', website: 'https://linear.app', provisioning: { assigneeId: ada.id }, deprovisioning: { assigneeId: ada.id } };
      return (await system.api('/v1/providers', { body, auth: asAda })).status === 201;
    }, { what: 'Linear to be created', timeoutMs: 30_000, intervalMs: 100 });
    await waitFor(async () => {
      const people = (await system.api('/v1/dev/login-options')).body?.items ?? [];
      return people.some((p: { id: string }) => p.id === ada.id);
    }, { what: 'Ada on the development sign-in picker', timeoutMs: 30_000, intervalMs: 100 });
    await until('/v1/employees?status=active', (body) => body?.items?.length === 3, 'Ada, Pat and Bo in the roster');
  });

  afterEach(async ({ task }) => {
    if (task.result?.state === 'fail') {
      for (const [index, page] of contexts.flatMap((context) => context.pages()).entries()) await screenshot(page, `failed-${task.name.slice(0, 40)}-${index}`).catch(() => undefined);
    }
    expect(pageErrors.splice(0), 'uncaught errors in the console').toEqual([]);
  });

  afterAll(async () => {
    await browser?.close();
    await system?.stop();
  });

  // (a) An admin signs in, adds an app, opens its checklist and marks a person provisioned from the "…" menu.
  it('adds a provider and marks a person provisioned from its checklist', async () => {
    admin = await newPage();
    await admin.goto(`${system.baseUrl}/`);
    await admin.getByRole('heading', { name: 'Development sign-in: choose a person' }).waitFor();
    await expectAccessible(admin);
    await signIn(admin, system.baseUrl, 'Ada Admin');
    await admin.getByRole('heading', { level: 1, name: 'Provisioning' }).waitFor();
    await admin.getByRole('article', { name: 'Linear' }).waitFor();
    await expectAccessible(admin);

    await admin.getByRole('button', { name: 'Add provider' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Add provider' });
    await dialog.getByLabel('Name', { exact: true }).fill('Slack');
    await dialog.getByLabel(/^Website/).fill('https://slack.com');
    await dialog.getByLabel('Provisioning assignee', { exact: true }).selectOption({ label: 'Ada Admin' });
    await dialog.getByLabel(/^Provisioning instructions/).fill('Invite them from Slack admin › Members.');
    await dialog.getByLabel('Deprovisioning assignee', { exact: true }).selectOption({ label: 'Ada Admin' });
    await dialog.getByRole('button', { name: 'Add provider' }).click();

    // Adding opens the new provider's page: its instructions and the checklist of everyone, at No Account.
    await admin.getByRole('heading', { level: 1, name: 'Slack' }).waitFor();
    await admin.getByText('Invite them from Slack admin › Members.').waitFor();
    const row = admin.getByRole('row').filter({ hasText: 'Pat Lee' });
    await row.getByText('No Account', { exact: true }).waitFor();

    await row.getByRole('button', { name: 'Actions for Pat Lee' }).click();
    const menu = admin.getByRole('menu', { name: 'Actions for Pat Lee' });
    expect(await menu.getByRole('menuitem').allTextContents()).toEqual(['Request Provisioning', 'Mark as Provisioned']);
    await menu.getByRole('menuitem', { name: 'Mark as Provisioned' }).click();
    await row.getByText('Provisioned', { exact: true }).waitFor();
    await expectAccessible(admin);
    await screenshot(admin, 'a-provider-checklist');
    const slack = (await system.api('/v1/providers', { auth: asAda })).body.items.find((p: { name: string }) => p.name === 'Slack');
    expect((await system.api(`/v1/providers/${slack.id}/accounts?q=Pat`, { auth: asAda })).body.items[0].status).toBe('provisioned');

    // The overview counts it; its View opens the checklist again.
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Providers' }).click();
    const card = admin.getByRole('article', { name: 'Slack' });
    await card.getByRole('definition').first().filter({ hasText: /^1$/ }).waitFor(); // "Provisioned: 1"
    await card.getByRole('link', { name: 'View Slack' }).click();
    await admin.getByRole('row').filter({ hasText: 'Pat Lee' }).getByText('Provisioned', { exact: true }).waitFor();
  });

  // The provider page works on a phone: nothing spills sideways, and the "…" menu is in reach and opens.
  it('shows the provider page at 375 px width', async () => {
    const phone = await newPage({ width: 375, height: 812 });
    await signIn(phone, system.baseUrl, 'Ada Admin');
    await phone.getByRole('link', { name: 'View Slack' }).click();
    const button = phone.getByRole('button', { name: 'Actions for Pat Lee' });
    await button.waitFor();
    expect(await phone.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(375);
    const box = await button.boundingBox();
    expect(box!.x + box!.width).toBeLessThanOrEqual(375);
    await screenshot(phone, 'a-provider-page-375px');
    await button.click();
    const item = phone.getByRole('menuitem', { name: 'Request Deprovisioning' });
    await item.waitFor();
    const itemBox = await item.boundingBox();
    expect(itemBox!.x).toBeGreaterThanOrEqual(0);
    expect(itemBox!.x + itemBox!.width).toBeLessThanOrEqual(375);
    await phone.keyboard.press('Escape');
    await expectAccessible(phone);
    await phone.context().close();
  });

  // (b) An admin builds and publishes an onboarding workflow; a hire arrives from HR, the bell counts it
  // live (no reload), and the admin completes both stacked requests from the one notification.
  it('builds a workflow, then completes a new hire’s stacked requests from the bell', async () => {
    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Workflows' }).click();
    await admin.getByRole('link', { name: 'New workflow' }).click();
    const builder = admin.getByRole('form', { name: 'Workflow builder' });
    await builder.getByLabel('Name', { exact: true }).fill('Engineering onboarding');
    await builder.getByRole('radio', { name: 'Provisioning (on hire)' }).check();
    const providers = builder.getByRole('group', { name: 'Providers for task 1' });
    await providers.getByRole('checkbox', { name: 'Slack' }).check();
    await providers.getByRole('checkbox', { name: 'Linear' }).check();
    await builder.getByRole('button', { name: 'Add trigger' }).click();
    await builder.getByLabel('Trigger 1 starts on').selectOption('hire');
    await builder.getByLabel('Trigger 1 departments', { exact: true }).fill('Engineering');
    await builder.getByLabel('Trigger 1 departments', { exact: true }).press('Enter');
    await builder.getByRole('list', { name: 'Trigger 1 departments: chosen values' }).getByText('Engineering').waitFor();
    await expectAccessible(admin);
    await builder.getByRole('button', { name: 'Save draft' }).click();
    await admin.getByRole('heading', { level: 1, name: 'Engineering onboarding' }).waitFor();
    await admin.getByRole('button', { name: 'Publish' }).click();
    await admin.getByText('Published', { exact: true }).waitFor();
    await screenshot(admin, 'b-workflow-published');

    const before = await unreadOnBell(admin);
    await admin.evaluate(() => Object.assign(globalThis, { sameDocument: true }));
    await hr([hrEvent('hr.employee.hired', { companyId: company, employee: nia })]);
    await admin.getByRole('button', { name: `Notifications, ${before + 1} unread` }).waitFor({ timeout: 30_000 });
    expect(await admin.evaluate(() => 'sameDocument' in globalThis), 'the count rose without a reload').toBe(true);

    await admin.getByRole('button', { name: `Notifications, ${before + 1} unread` }).click();
    const panel = admin.getByRole('dialog', { name: 'Notifications' });
    const card = panel.getByRole('article', { name: /Provision Requested for Nia New/ });
    await card.getByRole('button', { name: 'Mark done: Provision Slack for Nia New' }).waitFor();
    await card.getByRole('button', { name: 'Mark done: Provision Linear for Nia New' }).waitFor();
    await expectAccessible(admin);
    await screenshot(admin, 'b-notification-stacked');

    await card.getByRole('button', { name: 'Complete all for Nia New' }).click();
    await card.waitFor({ state: 'detached' });
    await until(`/v1/employees/${nia.id}/profile`, (body) => body?.accounts?.length === 2 && body.accounts.every((a: { status: string }) => a.status === 'provisioned'), 'Nia’s two accounts provisioned');
    await panel.getByRole('button', { name: 'Close notifications' }).click();
  });

  // (c) The new hire signs in and finds her accounts on "My accounts".
  it('shows the new hire her accounts as Provisioned', async () => {
    await waitFor(async () => ((await system.api('/v1/dev/login-options')).body?.items ?? []).some((p: { id: string }) => p.id === nia.id), { what: 'Nia on the picker', timeoutMs: 30_000, intervalMs: 100 });
    const employee = await newPage();
    await signIn(employee, system.baseUrl, 'Nia New');
    await employee.getByRole('heading', { level: 1, name: 'My accounts' }).waitFor();
    expect(await employee.getByRole('navigation', { name: 'Main' }).getByRole('link').allTextContents()).toEqual(['My accounts']);
    const accounts = employee.getByRole('region', { name: 'Provisioning' });
    for (const provider of ['Slack', 'Linear']) {
      await accounts.getByRole('listitem').filter({ hasText: provider }).getByText('Provisioned', { exact: true }).waitFor();
    }
    await employee.getByRole('region', { name: 'Workflow runs' }).getByRole('row').nth(1).waitFor();
    await expectAccessible(employee);
    await screenshot(employee, 'c-my-accounts');
    await employee.context().close();
  });

  // (d) A termination puts the leaver on the Risks view; once deprovisioning is requested and done there,
  // the view no longer lists her.
  it('lists a leaver on the Risks view until the deprovisioning is done', async () => {
    await hr([hrEvent('hr.employee.terminated', { companyId: company, employeeId: nia.id, terminationDate: new Date().toISOString().slice(0, 10) })]);
    await until('/v1/access/risks', (body) => body?.items?.filter((r: { employee: { id: string } }) => r.employee.id === nia.id).length === 2, 'two risks for Nia');

    await admin.getByRole('navigation', { name: 'Main' }).getByRole('link', { name: 'Access' }).click();
    await admin.getByRole('navigation', { name: 'Access views' }).getByRole('link', { name: 'Risks' }).click();
    const risks = admin.getByRole('region', { name: 'Risks' });
    const rows = risks.getByRole('row').filter({ hasText: 'Nia New' });
    await rows.nth(1).waitFor();
    expect(await rows.count()).toBe(2);
    await expectAccessible(admin);
    await screenshot(admin, 'd-risks');

    for (const provider of ['Linear', 'Slack']) {
      await risks.getByRole('button', { name: `Request Deprovisioning of ${provider} for Nia New` }).click();
      await rows.filter({ hasText: provider }).getByText('Deprovisioning Requested', { exact: true }).waitFor();
    }
    // Still a risk while the request is open; gone once the assignee has done it (from the notification).
    expect(await rows.count()).toBe(2);
    await admin.getByRole('button', { name: /^Notifications/ }).click();
    const card = admin.getByRole('dialog', { name: 'Notifications' }).getByRole('article', { name: /for Nia New/ });
    await card.getByRole('button', { name: 'Mark done: Deprovision Linear for Nia New' }).waitFor();
    await card.getByRole('button', { name: 'Mark done: Deprovision Slack for Nia New' }).waitFor();
    await card.getByRole('button', { name: 'Complete all for Nia New' }).click();
    await risks.getByText('No risks: nobody who left still holds access.').waitFor();
    await screenshot(admin, 'd-risks-cleared');
  });
  // (e) A request goes to another admin from the checklist: the row says who has it now, and the request is
  // in the new assignee's notifications.
  it('reassigns an open request to another admin', async () => {
    const linear = (await system.api('/v1/providers', { auth: asAda })).body.items.find((p: { name: string }) => p.name === 'Linear');
    const requested = await system.api(`/v1/providers/${linear.id}/accounts/${pat.id}/request-provisioning`, { body: {}, auth: asAda });
    expect(requested.status, JSON.stringify(requested.body)).toBe(200);

    await admin.goto(`${system.baseUrl}/providers/${linear.id}`);
    const row = admin.getByRole('row').filter({ hasText: 'Pat Lee' });
    await row.getByText('Assigned to Ada Admin').waitFor();
    await row.getByRole('button', { name: 'Actions for Pat Lee' }).click();
    await admin.getByRole('menu', { name: 'Actions for Pat Lee' }).getByRole('menuitem', { name: 'Reassign…' }).click();
    const dialog = admin.getByRole('dialog', { name: 'Reassign request' });
    await dialog.getByLabel(/^Assignee/).selectOption({ label: 'Bo Backup' });
    await expectAccessible(admin);
    await dialog.getByRole('button', { name: 'Reassign' }).click();
    await row.getByText('Assigned to Bo Backup').waitFor();
    await row.getByText('Provisioning Requested', { exact: true }).waitFor();
    await screenshot(admin, 'e-reassigned');

    const asBo = await system.token(bo.id, company, 'admin');
    await waitFor(
      async () => {
        const items = (await system.api('/v1/notifications', { auth: asBo })).body?.items ?? [];
        return items.some((n: { employee: { id: string }; items: { providerId: string; state: string }[] }) =>
          n.employee.id === pat.id && n.items.some((item) => item.providerId === linear.id && item.state === 'pending'));
      },
      { what: "Pat's Linear request in Bo's notifications", timeoutMs: 30_000, intervalMs: 100 },
    );
  });
});
