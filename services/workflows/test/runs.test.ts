import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { employeeHired, employeeTerminated, workflowRunCancelled, workflowRunCompleted, workflowRunStarted, workflowTaskStarted } from '@provisio/contracts';
import { publishEvent } from '@provisio/messaging';
import { anEmployee, publishHire, publishTermination, waitFor } from '@provisio/testing';
import {
  aCompany,
  aProvider,
  aPublishedWorkflow,
  call,
  FakeAccounts,
  processed,
  readRun,
  rosterEventCount,
  rosterHas,
  runReaches,
  runsOf,
  startHarness,
  statesOf,
  type Harness,
} from './harness.js';

describe('workflow runs', () => {
  let harness: Harness;
  let accounts: FakeAccounts;

  beforeAll(async () => {
    harness = await startHarness('wf_runs');
    accounts = new FakeAccounts(harness);
  });
  afterAll(async () => {
    await harness?.close();
  });

  async function oneRun(companyId: string, employeeId: string) {
    return waitFor(async () => {
      const runs = await runsOf(harness, companyId, employeeId);
      return runs.length > 0 ? runs : undefined;
    }, { what: `a run for ${employeeId}` });
  }

  // A matching hire starts one run of the published workflow (never a draft); its items reach done as the
  // accounts are provisioned, and the run completes.
  it('runs a matching hire to completion as the accounts are provisioned', async () => {
    const { companyId, admin, slack, github } = await aCompany(harness, 'match');
    const workflow = await aPublishedWorkflow(harness, admin, {
      kind: 'provisioning',
      tasks: [{ title: 'Core tools', providerIds: [slack, github], assigneeId: admin.id, due: { days: -1, from: 'start_date' } }],
      triggers: [{ on: 'hire', match: { department: ['Engineering', 'Research'], location: ['remote'] } }],
    });
    const draft = await call(harness, admin, 'POST', '/v1/workflows', { name: 'Everyone (draft)', kind: 'provisioning', tasks: [{ providerIds: [slack] }], triggers: [{ on: 'hire' }] });
    expect(draft.statusCode).toBe(201);

    const engineer = anEmployee({ department: 'Engineering', location: 'Remote', startDate: '2030-03-02' });
    await publishHire(harness.broker, companyId, engineer);
    const [run, ...others] = await oneRun(companyId, engineer.id);
    await rosterHas(harness, companyId, engineer.id);
    expect(others).toHaveLength(0);
    expect(run).toMatchObject({ workflow_id: workflow.id, workflow_version: 1, trigger: 'hire', status: 'running' });

    const [task] = await accounts.tasksOf(run!.id);
    expect(task).toMatchObject({ action: 'provision', providers: [slack, github], assigneeId: admin.id, dueAt: '2030-03-01T00:00:00.000Z', employeeId: engineer.id });
    expect(await harness.events.ofRun(workflowRunStarted.type, run!.id)).toHaveLength(1);

    const { answer, changes } = accounts.apply(task!);
    await accounts.publish([...changes, answer]);
    const pending = await runReaches(harness, admin, run!.id, (r) => r.tasks[0]!.items.length === 2, 'the items');
    expect(statesOf(pending)).toEqual({ [slack]: 'pending', [github]: 'pending' });
    expect(pending.tasks[0]).toMatchObject({ status: 'open', dueAt: '2030-03-01T00:00:00.000Z', assigneeId: admin.id, title: 'Core tools' });

    await accounts.publish([accounts.change(companyId, slack, engineer.id, 'provisioned')]);
    const half = await runReaches(harness, admin, run!.id, (r) => statesOf(r)[slack] === 'done', 'Slack done');
    expect(half).toMatchObject({ status: 'running', tasks: [{ status: 'open' }] });

    await accounts.publish([accounts.change(companyId, github, engineer.id, 'provisioned')]);
    const done = await runReaches(harness, admin, run!.id, (r) => r.status === 'completed', 'the run to complete');
    expect(done.tasks[0]).toMatchObject({ status: 'completed', items: [{ state: 'done', action: 'provision' }, { state: 'done', action: 'provision' }] });
    expect(done.completedAt).not.toBeNull();
    await waitFor(async () => (await harness.events.ofRun(workflowRunCompleted.type, run!.id)).length === 1, { what: 'workflow.run.completed' });
  });

  // A hire that matches no trigger starts nothing; neither does a draft with a trigger for everyone.
  it('starts nothing for a non-matching hire or a draft', async () => {
    const { companyId, admin, slack } = await aCompany(harness, 'nomatch');
    await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: [slack] }], triggers: [{ on: 'hire', match: { department: ['Engineering'] } }] });
    await call(harness, admin, 'POST', '/v1/workflows', { name: 'Draft for all', kind: 'provisioning', tasks: [{ providerIds: [slack] }], triggers: [{ on: 'hire' }] });
    const salesperson = anEmployee({ department: 'Sales' });
    await publishHire(harness.broker, companyId, salesperson);
    // The run decision is taken in the transaction that records the hire in the roster.
    await rosterHas(harness, companyId, salesperson.id);
    expect(await runsOf(harness, companyId, salesperson.id)).toEqual([]);
  });

  // The hiring template's workflowIds start the named published workflow even without a trigger; a named
  // draft or an unknown id does not.
  it('starts the workflows the hire names', async () => {
    const { companyId, admin, notion } = await aCompany(harness, 'named');
    const named = await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: [notion] }] });
    const draft = (await call(harness, admin, 'POST', '/v1/workflows', { name: 'Named draft', kind: 'provisioning', tasks: [{ providerIds: [notion] }] })).json();
    const hire = anEmployee({ department: 'Marketing' });
    await publishHire(harness.broker, companyId, hire, { workflowIds: [named.id, draft.id, randomUUID()] });
    await rosterHas(harness, companyId, hire.id);
    const runs = await runsOf(harness, companyId, hire.id);
    expect(runs).toMatchObject([{ workflow_id: named.id, trigger: 'hire' }]);
    // Not named and not triggered: nothing for the next hire.
    const other = anEmployee({ department: 'Marketing' });
    await publishHire(harness.broker, companyId, other);
    await rosterHas(harness, companyId, other.id);
    expect(await runsOf(harness, companyId, other.id)).toEqual([]);
  });

  // Runs started by one hire share their start time to the microsecond; pages of one never skip any.
  it('pages through runs that started together', async () => {
    const { companyId, admin, slack } = await aCompany(harness, 'paging');
    const workflows = [];
    for (let i = 0; i < 4; i++) workflows.push(await aPublishedWorkflow(harness, admin, { name: `Paged ${i}`, kind: 'provisioning', tasks: [{ providerIds: [slack] }] }));
    const hire = anEmployee();
    await publishHire(harness.broker, companyId, hire, { workflowIds: workflows.map((w) => w.id) });
    await waitFor(async () => (await runsOf(harness, companyId, hire.id)).length === 4, { what: 'four runs' });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: { items: { id: string }[]; nextCursor: string | null } = (await call(harness, admin, 'GET', `/v1/workflow-runs?employeeId=${hire.id}&limit=1${cursor ? `&cursor=${cursor}` : ''}`)).json();
      seen.push(...page.items.map((run) => run.id));
      cursor = page.nextCursor;
    } while (cursor);
    expect(new Set(seen).size).toBe(4);
    expect(seen).toHaveLength(4);
    const forged = Buffer.from(JSON.stringify(['2026-13-45 99:00:00+00', randomUUID()])).toString('base64url');
    expect((await call(harness, admin, 'GET', `/v1/workflow-runs?cursor=${forged}`)).statusCode).toBe(400);
  });

  // A termination runs the deprovisioning workflow on exactly the providers where the person has access
  // (as the accounts service answers), skips the rest, and completes once they are deprovisioned.
  it('deprovisions all_with_access on termination', async () => {
    const { companyId, admin, slack, github, notion } = await aCompany(harness, 'offboard');
    const workflow = await aPublishedWorkflow(harness, admin, {
      kind: 'deprovisioning',
      tasks: [{ providerIds: 'all_with_access', due: { days: 3, from: 'termination_date' } }],
      triggers: [{ on: 'termination' }],
    });
    const leaver = anEmployee();
    await publishHire(harness.broker, companyId, leaver);
    await rosterHas(harness, companyId, leaver.id);
    // The person holds Slack and GitHub, not Notion.
    await accounts.publish([accounts.change(companyId, slack, leaver.id, 'provisioned'), accounts.change(companyId, github, leaver.id, 'provisioned')]);
    const before = Date.now();
    await publishTermination(harness.broker, companyId, leaver.id, '2026-06-30', { immediate: true });
    const [run] = await oneRun(companyId, leaver.id);
    expect(run).toMatchObject({ workflow_id: workflow.id, trigger: 'termination' });

    const [task] = await accounts.tasksOf(run!.id);
    expect(task).toMatchObject({ action: 'deprovision', providers: 'all_with_access' });
    // immediate: true makes the task due now rather than three days after the termination date.
    expect(new Date(task!.dueAt!).getTime()).toBeGreaterThanOrEqual(before - 1_000);
    expect(new Date(task!.dueAt!).getTime()).toBeLessThanOrEqual(Date.now());
    const unanswered = await readRun(harness, admin, run!.id);
    expect(unanswered.tasks[0]!.items).toEqual([]);

    const { answer, changes } = accounts.apply(task!, [slack, github, notion]);
    await accounts.publish([answer, ...changes]);
    const answered = await runReaches(harness, admin, run!.id, (r) => r.tasks[0]!.items.length === 3, 'the answered items');
    expect(statesOf(answered)).toEqual({ [slack]: 'pending', [github]: 'pending', [notion]: 'skipped' });
    expect(answered.tasks[0]!.items.every((item) => item.action === 'deprovision')).toBe(true);

    await accounts.publish([accounts.change(companyId, slack, leaver.id, 'deprovisioned'), accounts.change(companyId, github, leaver.id, 'deprovisioned')]);
    const done = await runReaches(harness, admin, run!.id, (r) => r.status === 'completed', 'the deprovisioning run to complete');
    expect(statesOf(done)).toEqual({ [slack]: 'done', [github]: 'done', [notion]: 'skipped' });
  });

  // The same hire delivered twice (and re-sent by HR under a new id) gives one run.
  it('starts one run for a repeated hire', async () => {
    const { companyId, admin, slack } = await aCompany(harness, 'twice');
    await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: [slack] }], triggers: [{ on: 'hire' }] });
    const hire = anEmployee();
    const event = employeeHired.build({ companyId, employee: hire }, { source: 'test-hris' });
    await publishEvent(harness.broker.js, harness.broker.ns, event);
    // A redelivery of the same event (another message id, so JetStream does not drop it).
    await harness.broker.js.publish(harness.broker.ns.subject(event.type), JSON.stringify(event), { msgID: `${event.id}-again` });
    // HR sends the hire again as a new event.
    await publishEvent(harness.broker.js, harness.broker.ns, employeeHired.build({ companyId, employee: hire }, { source: 'test-hris' }));
    await waitFor(async () => (await rosterEventCount(harness, companyId, hire.id)) === 2, { what: 'both hire events in the roster' });
    const roster = harness.service.runtime.consumers[0]!;
    await waitFor(() => roster.stats.duplicate >= 1, { what: 'the redelivery to be seen as a duplicate' });
    const runs = await runsOf(harness, companyId, hire.id);
    expect(runs).toHaveLength(1);
    expect(await harness.events.ofRun(workflowRunStarted.type, runs[0]!.id)).toHaveLength(1);
  });

  // Events between the services arrive in any order and more than once: the final run is the same.
  it('ends in the same run whatever the order and repetition of the accounts events', async () => {
    const { companyId, admin, slack, github, notion } = await aCompany(harness, 'order');
    await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: [slack, github, notion] }], triggers: [{ on: 'hire' }] });

    async function scenario(order: (events: { answer: object; requests: object[]; provisioned: object[]; alreadyThere: object }) => object[], copies: boolean) {
      const hire = anEmployee();
      // Notion was provisioned before the hire's workflow ran (e.g. from the checklist).
      const alreadyThere = accounts.change(companyId, notion, hire.id, 'provisioned');
      await publishHire(harness.broker, companyId, hire);
      const [run] = await oneRun(companyId, hire.id);
      const [task] = await accounts.tasksOf(run!.id);
      const { answer, changes } = accounts.apply(task!);
      const provisioned = [accounts.change(companyId, slack, hire.id, 'provisioned'), accounts.change(companyId, github, hire.id, 'provisioned')];
      await accounts.publish(order({ answer, requests: changes, provisioned, alreadyThere }) as never, { copies });
      const final = await runReaches(harness, admin, run!.id, (r) => r.status === 'completed', 'the run to complete');
      return { status: final.status, tasks: final.tasks.map((t) => ({ status: t.status, items: statesOf(final) })) };
    }

    const inOrder = await scenario(({ answer, requests, provisioned, alreadyThere }) => [alreadyThere, ...requests, answer, ...provisioned], false);
    const reversed = await scenario(({ answer, requests, provisioned, alreadyThere }) => [...provisioned.reverse(), answer, ...requests.reverse(), alreadyThere], true);
    const statusFirst = await scenario(({ answer, requests, provisioned, alreadyThere }) => [provisioned[0]!, requests[1]!, alreadyThere, answer, requests[0]!, provisioned[1]!], true);
    expect(inOrder).toEqual({ status: 'completed', tasks: [{ status: 'completed', items: { [slack]: 'done', [github]: 'done', [notion]: 'done' } }] });
    expect(reversed).toEqual(inOrder);
    expect(statusFirst).toEqual(inOrder);
  });

  // Many accounts of one run change at once (the consumer handles several events in parallel): the run
  // still completes, and announces it once.
  it('completes once when all its accounts change at the same time', async () => {
    const { companyId, admin } = await aCompany(harness, 'parallel');
    const providers = await Promise.all(Array.from({ length: 10 }, () => aProvider(harness, companyId)));
    await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: providers.slice(0, 5) }, { providerIds: providers.slice(5) }], triggers: [{ on: 'hire' }] });
    const hire = anEmployee();
    await publishHire(harness.broker, companyId, hire);
    const [run] = await oneRun(companyId, hire.id);
    const tasks = await accounts.tasksOf(run!.id, 2);
    const applied = tasks.map((task) => accounts.apply(task));
    const provisioned = providers.map((providerId) => accounts.change(companyId, providerId, hire.id, 'provisioned'));
    await accounts.publish([...applied.flatMap(({ answer, changes }) => [...changes, answer]), ...provisioned], { copies: true });
    const done = await runReaches(harness, admin, run!.id, (r) => r.status === 'completed', 'the run to complete');
    expect(done.tasks.flatMap((task) => task.items.map((item) => item.state))).toEqual(Array(10).fill('done'));
    await harness.service.runtime.relay.flush();
    expect(await harness.events.ofRun(workflowRunCompleted.type, run!.id)).toHaveLength(1);
  });

  // A status change seen before the answer counts once the answer arrives; a stale event does not undo it.
  it('applies a status change that arrived before the answer, and ignores a stale one', async () => {
    const { companyId, admin, slack } = await aCompany(harness, 'early');
    await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: [slack] }], triggers: [{ on: 'hire' }] });
    const hire = anEmployee();
    await publishHire(harness.broker, companyId, hire);
    const [run] = await oneRun(companyId, hire.id);
    const [task] = await accounts.tasksOf(run!.id);
    const { answer, changes } = accounts.apply(task!);
    const provisioned = accounts.change(companyId, slack, hire.id, 'provisioned');
    // The provisioning (version 2) arrives first; the request (version 1) after it is stale.
    await accounts.publish([provisioned, changes[0]!]);
    await waitFor(async () => (await processed(harness, 'workflows-accounts', [provisioned, changes[0]!])) === 2, { what: 'both status changes to be applied' });
    const { rows: [facts] } = await sql<{ status: string; version: number }>`
      select status, version from account_facts where company_id = ${companyId} and provider_id = ${slack} and employee_id = ${hire.id}`.execute(harness.service.runtime.db.kysely);
    expect(facts).toEqual({ status: 'provisioned', version: 2 });
    expect(statesOf(await readRun(harness, admin, run!.id))).toEqual({ [slack]: 'pending' });
    await accounts.publish([answer]);
    const done = await runReaches(harness, admin, run!.id, (r) => r.status === 'completed', 'the run to complete');
    expect(statesOf(done)).toEqual({ [slack]: 'done' });
  });

  // A request cancelled by a person (or by the employee leaving) leaves nothing to do: the item is skipped.
  it('skips an item whose request ended without the account being provisioned', async () => {
    const { companyId, admin, slack, github } = await aCompany(harness, 'cancelled');
    await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: [slack, github] }], triggers: [{ on: 'hire' }] });
    const hire = anEmployee();
    await publishHire(harness.broker, companyId, hire);
    const [run] = await oneRun(companyId, hire.id);
    const [task] = await accounts.tasksOf(run!.id);
    const { answer, changes } = accounts.apply(task!);
    await accounts.publish([...changes, answer, accounts.change(companyId, slack, hire.id, 'no_account', { reason: 'cancelled' }), accounts.change(companyId, github, hire.id, 'provisioned')]);
    const done = await runReaches(harness, admin, run!.id, (r) => r.status === 'completed', 'the run to complete');
    expect(statesOf(done)).toEqual({ [slack]: 'skipped', [github]: 'done' });
  });

  // Editing and republishing a workflow does not change a run already started: it keeps its version.
  it('keeps a running run on the version it started with', async () => {
    const { companyId, admin, slack, github, notion } = await aCompany(harness, 'version');
    const workflow = await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: [slack, github] }], triggers: [{ on: 'hire' }] });
    const first = anEmployee();
    await publishHire(harness.broker, companyId, first);
    const [run] = await oneRun(companyId, first.id);
    await accounts.tasksOf(run!.id);

    const edited = await call(harness, admin, 'PATCH', `/v1/workflows/${workflow.id}`, { tasks: [{ providerIds: [notion] }] });
    expect(edited.json()).toMatchObject({ version: 2, publishedVersion: 1 });
    expect((await call(harness, admin, 'POST', `/v1/workflows/${workflow.id}/publish`)).json()).toMatchObject({ publishedVersion: 2 });

    const unchanged = await readRun(harness, admin, run!.id);
    expect(unchanged).toMatchObject({ workflowVersion: 1, status: 'running' });
    expect(Object.keys(statesOf(unchanged)).sort()).toEqual([slack, github].sort());

    const second = anEmployee();
    await publishHire(harness.broker, companyId, second);
    const [next] = await oneRun(companyId, second.id);
    expect(next).toMatchObject({ workflow_version: 2 });
    expect(Object.keys(statesOf(await readRun(harness, admin, next!.id)))).toEqual([notion]);
  });

  // An admin starts a published workflow by hand and cancels the run; workflow.run.cancelled goes out once.
  it('starts a run by hand and cancels it', async () => {
    const { companyId, admin, slack } = await aCompany(harness, 'manual');
    const workflow = await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: [slack], due: { days: 2, from: 'trigger' } }] });
    const person = anEmployee();
    await publishHire(harness.broker, companyId, person);
    await rosterHas(harness, companyId, person.id);

    const started = await call(harness, admin, 'POST', `/v1/workflows/${workflow.id}/runs`, { employeeId: person.id });
    expect(started.statusCode).toBe(201);
    const run = started.json();
    expect(run).toMatchObject({ workflowId: workflow.id, workflowVersion: 1, employeeId: person.id, trigger: 'manual', status: 'running', tasks: [{ status: 'open', items: [{ providerId: slack, action: 'provision', state: 'pending' }] }] });
    expect(new Date(run.tasks[0].dueAt).getTime()).toBeGreaterThan(Date.now() + 47 * 3600_000);
    await accounts.tasksOf(run.id);

    const cancelled = await call(harness, admin, 'POST', `/v1/workflow-runs/${run.id}/cancel`);
    expect(cancelled.statusCode).toBe(200);
    // Its open task is cancelled with it: nobody has to do it any more.
    expect(cancelled.json()).toMatchObject({ status: 'cancelled', tasks: [{ status: 'cancelled' }] });
    expect((await call(harness, admin, 'POST', `/v1/workflow-runs/${run.id}/cancel`)).statusCode).toBe(200);
    const [event] = await waitFor(async () => {
      const events = await harness.events.ofRun(workflowRunCancelled.type, run.id);
      return events.length > 0 ? events : undefined;
    }, { what: 'workflow.run.cancelled' });
    expect(event!.data).toMatchObject({ companyId, runId: run.id, employeeId: person.id, actorId: admin.id });
    expect(await harness.events.ofRun(workflowRunCancelled.type, run.id)).toHaveLength(1);

    // Events after cancelling do not complete it.
    const [task] = await accounts.tasksOf(run.id);
    const { answer, changes } = accounts.apply(task!);
    await accounts.publish([...changes, answer, accounts.change(companyId, slack, person.id, 'provisioned')]);
    await waitFor(async () => (await call(harness, admin, 'GET', `/v1/workflow-runs?employeeId=${person.id}&status=cancelled`)).json().items.length === 1, { what: 'the cancelled run in the list' });
    expect(await readRun(harness, admin, run.id)).toMatchObject({ status: 'cancelled', tasks: [{ status: 'cancelled' }] });

    const unknown = await call(harness, admin, 'POST', `/v1/workflows/${workflow.id}/runs`, { employeeId: 'nobody-here' });
    expect(unknown.statusCode).toBe(422);
    expect(unknown.json().error).toMatchObject({ code: 'INVALID_REFERENCE', details: [{ path: 'employeeId' }] });
    const draft = (await call(harness, admin, 'POST', '/v1/workflows', { name: 'Not yet', kind: 'provisioning', tasks: [{ providerIds: [slack] }] })).json();
    expect((await call(harness, admin, 'POST', `/v1/workflows/${draft.id}/runs`, { employeeId: person.id })).statusCode).toBe(409);
    const invalid = await call(harness, admin, 'POST', `/v1/workflows/${workflow.id}/runs`, { employeeId: person.id, extra: true });
    expect(invalid.statusCode).toBe(400);
    expect(invalid.json().error.details).toMatchObject([{ path: 'extra' }]);
    expect((await call(harness, admin, 'POST', `/v1/workflow-runs/${randomUUID()}/cancel`)).statusCode).toBe(404);
    expect((await call(harness, admin, 'GET', '/v1/workflow-runs/not-a-uuid')).statusCode).toBe(400);
  });

  // Admins read every run, managers those of their direct reports (and their own), employees their own;
  // another company's run is a 404 and integrations may not read runs.
  it('lets each role read only the runs it may see', async () => {
    const { companyId, admin, slack } = await aCompany(harness, 'roles');
    const workflow = await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: [slack] }], triggers: [{ on: 'hire' }] });
    const manager = anEmployee({ accessLevel: 'manager' });
    const report = anEmployee({ managerId: manager.id });
    const stranger = anEmployee();
    for (const person of [manager, report, stranger]) await publishHire(harness.broker, companyId, person);
    const [managerRun] = await oneRun(companyId, manager.id);
    const [reportRun] = await oneRun(companyId, report.id);
    const [strangerRun] = await oneRun(companyId, stranger.id);

    const asManager = { id: manager.id, companyId, role: 'manager' as const };
    const asReport = { id: report.id, companyId, role: 'employee' as const };
    const ids = async (caller: typeof asManager | typeof asReport | typeof admin, query = '') =>
      ((await call(harness, caller, 'GET', `/v1/workflow-runs${query}`)).json().items as { id: string }[]).map((run) => run.id).sort();

    expect(await ids(admin, `?workflowId=${workflow.id}`)).toEqual([managerRun!.id, reportRun!.id, strangerRun!.id].sort());
    expect(await ids(asManager)).toEqual([managerRun!.id, reportRun!.id].sort());
    expect(await ids(asReport)).toEqual([reportRun!.id]);
    expect(await ids(asReport, `?employeeId=${stranger.id}`)).toEqual([]);
    expect(await ids(admin, `?employeeId=${stranger.id}&status=running`)).toEqual([strangerRun!.id]);

    expect((await call(harness, asManager, 'GET', `/v1/workflow-runs/${reportRun!.id}`)).statusCode).toBe(200);
    expect((await call(harness, asManager, 'GET', `/v1/workflow-runs/${strangerRun!.id}`)).statusCode).toBe(404);
    expect((await call(harness, asReport, 'GET', `/v1/workflow-runs/${reportRun!.id}`)).statusCode).toBe(200);
    expect((await call(harness, asReport, 'GET', `/v1/workflow-runs/${managerRun!.id}`)).statusCode).toBe(404);
    expect((await call(harness, asReport, 'POST', `/v1/workflow-runs/${reportRun!.id}/cancel`)).statusCode).toBe(403);
    expect((await call(harness, asManager, 'POST', `/v1/workflows/${workflow.id}/runs`, { employeeId: report.id })).statusCode).toBe(403);
    expect((await call(harness, { id: 'hris', companyId, role: 'integration' }, 'GET', '/v1/workflow-runs')).statusCode).toBe(403);

    const otherCompany = { id: admin.id, companyId: `${companyId}-other`, role: 'admin' as const };
    const foreign = await call(harness, otherCompany, 'GET', `/v1/workflow-runs/${reportRun!.id}`);
    expect(foreign.statusCode).toBe(404);
    expect(foreign.json().error.code).toBe('NOT_FOUND');
    expect((await call(harness, otherCompany, 'POST', `/v1/workflow-runs/${reportRun!.id}/cancel`)).statusCode).toBe(404);
    expect(await ids(otherCompany)).toEqual([]);

    const page = (await call(harness, admin, 'GET', `/v1/workflow-runs?workflowId=${workflow.id}&limit=2`)).json();
    expect(page.items).toHaveLength(2);
    const rest = (await call(harness, admin, 'GET', `/v1/workflow-runs?workflowId=${workflow.id}&limit=2&cursor=${page.nextCursor}`)).json();
    expect(rest.nextCursor).toBeNull();
    expect([...page.items, ...rest.items].map((run: { id: string }) => run.id).sort()).toEqual([managerRun!.id, reportRun!.id, strangerRun!.id].sort());
    expect((await call(harness, admin, 'GET', '/v1/workflow-runs?status=finished')).statusCode).toBe(400);
    expect(await harness.events.all(workflowTaskStarted.type)).not.toHaveLength(0);
  });

  // HR events out of order: a termination that arrives before its hire starts the deprovisioning when the
  // hire arrives, and no provisioning (the person has already left).
  it('starts deprovisioning, not provisioning, when the termination arrived before the hire', async () => {
    const { companyId, admin, slack } = await aCompany(harness, 'hrorder');
    await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: [slack] }], triggers: [{ on: 'hire' }] });
    const offboarding = await aPublishedWorkflow(harness, admin, { kind: 'deprovisioning', tasks: [{ providerIds: 'all_with_access' }], triggers: [{ on: 'termination' }] });
    const person = anEmployee({ startDate: '2026-01-05' });
    const day = 24 * 3600_000;
    const terminated = employeeTerminated.build({ companyId, employeeId: person.id, terminationDate: '2026-06-30' }, { source: 'test-hris', time: new Date(Date.now() - day) });
    const hired = employeeHired.build({ companyId, employee: person }, { source: 'test-hris', time: new Date(Date.now() - 30 * day) });
    await publishEvent(harness.broker.js, harness.broker.ns, terminated);
    await waitFor(async () => (await rosterEventCount(harness, companyId, person.id)) === 1, { what: 'the termination in the roster' });
    expect(await runsOf(harness, companyId, person.id)).toEqual([]);
    await publishEvent(harness.broker.js, harness.broker.ns, hired);
    await rosterHas(harness, companyId, person.id, 'terminated');
    expect(await runsOf(harness, companyId, person.id)).toMatchObject([{ workflow_id: offboarding.id, trigger: 'termination' }]);
  });

  // A rehire is a hire: in order, hire → termination → rehire runs provisioning, deprovisioning and
  // provisioning again. The same history arriving backwards runs only the current employment's provisioning:
  // superseded hires and terminations start nothing.
  it('runs a rehire, and only the current employment when the history arrives backwards', async () => {
    const { companyId, admin, slack } = await aCompany(harness, 'rehire');
    const onboarding = await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: [slack] }], triggers: [{ on: 'hire' }] });
    const offboarding = await aPublishedWorkflow(harness, admin, { kind: 'deprovisioning', tasks: [{ providerIds: 'all_with_access' }], triggers: [{ on: 'termination' }] });
    const day = 24 * 3600_000;
    const history = (person: ReturnType<typeof anEmployee>) => [
      employeeHired.build({ companyId, employee: person }, { source: 'test-hris', time: new Date(Date.now() - 300 * day) }),
      employeeTerminated.build({ companyId, employeeId: person.id, terminationDate: '2026-03-31' }, { source: 'test-hris', time: new Date(Date.now() - 200 * day) }),
      employeeHired.build({ companyId, employee: { ...person, startDate: '2026-09-01' } }, { source: 'test-hris', time: new Date(Date.now() - 80 * day) }),
    ];

    const inOrder = anEmployee();
    for (const [index, event] of history(inOrder).entries()) {
      await publishEvent(harness.broker.js, harness.broker.ns, event);
      await waitFor(async () => (await rosterEventCount(harness, companyId, inOrder.id)) === index + 1, { what: `HR event ${index + 1} in the roster` });
    }
    expect((await runsOf(harness, companyId, inOrder.id)).map((run) => [run.workflow_id, run.trigger])).toEqual([
      [onboarding.id, 'hire'],
      [offboarding.id, 'termination'],
      [onboarding.id, 'hire'],
    ]);

    const backwards = anEmployee();
    for (const [index, event] of history(backwards).reverse().entries()) {
      await publishEvent(harness.broker.js, harness.broker.ns, event);
      await waitFor(async () => (await rosterEventCount(harness, companyId, backwards.id)) === index + 1, { what: `HR event ${index + 1} in the roster` });
    }
    await rosterHas(harness, companyId, backwards.id, 'active');
    expect((await runsOf(harness, companyId, backwards.id)).map((run) => [run.workflow_id, run.trigger])).toEqual([[onboarding.id, 'hire']]);
  });
});
