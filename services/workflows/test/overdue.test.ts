import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowTaskOverdue, type WorkflowTaskOverdue } from '@provisio/contracts';
import { anEmployee, publishHire, waitFor } from '@provisio/testing';
import { aCompany, aPublishedWorkflow, call, FakeAccounts, readRun, rosterHas, runReaches, runsOf, startHarness, type Harness } from './harness.js';
import type { WorkflowsService } from '../src/index.js';

describe('overdue sweep', () => {
  let harness: Harness;
  let second: WorkflowsService;
  let accounts: FakeAccounts;

  beforeAll(async () => {
    harness = await startHarness('wf_overdue');
    second = await harness.startInstance();
    accounts = new FakeAccounts(harness);
  });
  afterAll(async () => {
    await harness?.close();
  });

  async function overdueEvents(runId: string) {
    // Everything committed so far is in the stream once both relays have flushed.
    await harness.service.runtime.relay.flush();
    await second.runtime.relay.flush();
    return harness.events.ofRun<WorkflowTaskOverdue>(workflowTaskOverdue.type, runId);
  }

  // Two instances sweeping at the same time mark a past-due task overdue once and announce it once; a
  // task not yet due stays open, and an overdue task still completes when its accounts are provisioned.
  it('marks a past-due task once with two sweepers racing', async () => {
    const { companyId, admin, slack, github } = await aCompany(harness, 'race');
    await aPublishedWorkflow(harness, admin, {
      kind: 'provisioning',
      tasks: [
        { title: 'Before day one', providerIds: [slack, github], assigneeId: admin.id, due: { days: -1, from: 'start_date' } },
        { title: 'Within ten years', providerIds: [github], due: { days: 3650, from: 'trigger' } },
      ],
      triggers: [{ on: 'hire' }],
    });
    const hire = anEmployee({ startDate: '2026-01-05' });
    await publishHire(harness.broker, companyId, hire);
    const [run] = await waitFor(async () => {
      const runs = await runsOf(harness, companyId, hire.id);
      return runs.length ? runs : undefined;
    }, { what: 'the run' });
    const [pastDue] = await accounts.tasksOf(run!.id, 2);
    // Slack is already done when the sweep runs; GitHub is still pending.
    const { answer, changes } = accounts.apply(pastDue!);
    await accounts.publish([...changes, answer, accounts.change(companyId, slack, hire.id, 'provisioned')]);
    await runReaches(harness, admin, run!.id, (r) => r.tasks[0]!.items.some((item) => item.state === 'done'), 'Slack done');

    const marked = await Promise.all([harness.service.sweepOverdue(), second.sweepOverdue(), harness.service.sweepOverdue(), second.sweepOverdue()]);
    expect(marked.reduce((sum, count) => sum + count, 0)).toBe(1);
    expect(await harness.service.sweepOverdue()).toBe(0);

    const events = await overdueEvents(run!.id);
    expect(events).toHaveLength(1);
    expect(events[0]!.data).toMatchObject({ companyId, runId: run!.id, employeeId: hire.id, action: 'provision', providerIds: [github], assigneeId: admin.id, dueAt: '2026-01-04T00:00:00.000Z' });
    const read = await readRun(harness, admin, run!.id);
    expect(read.tasks.map((task) => task.status)).toEqual(['overdue', 'open']);

    await accounts.publish([accounts.change(companyId, github, hire.id, 'provisioned')]);
    const after = await runReaches(harness, admin, run!.id, (r) => r.tasks[0]!.status === 'completed', 'the overdue task to complete');
    expect(after.status).toBe('running');
    expect(await overdueEvents(run!.id)).toHaveLength(1);
  });

  // Many past-due tasks and four sweepers on two instances: every task is marked and announced exactly once.
  it('announces each of many past-due tasks once', async () => {
    const { companyId, admin, slack } = await aCompany(harness, 'many');
    await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: [slack], due: { days: 0, from: 'trigger' } }], triggers: [{ on: 'hire' }] });
    const people = Array.from({ length: 12 }, () => anEmployee());
    for (const person of people) await publishHire(harness.broker, companyId, person);
    const runIds = await Promise.all(people.map(async (person) => (await waitFor(async () => (await runsOf(harness, companyId, person.id))[0], { what: 'a run' })).id));
    const marked = await Promise.all([harness.service, second, harness.service, second].map((instance) => instance.sweepOverdue()));
    expect(marked.reduce((sum, count) => sum + count, 0)).toBe(people.length);
    for (const runId of runIds) expect(await overdueEvents(runId), runId).toHaveLength(1);
  });

  // A cancelled run's tasks are not swept.
  it('leaves cancelled runs alone', async () => {
    const { companyId, admin, slack } = await aCompany(harness, 'cancelled');
    const workflow = await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: [slack], due: { days: -1, from: 'start_date' } }] });
    const person = anEmployee({ startDate: '2026-01-05' });
    await publishHire(harness.broker, companyId, person);
    await rosterHas(harness, companyId, person.id);
    const run = (await call(harness, admin, 'POST', `/v1/workflows/${workflow.id}/runs`, { employeeId: person.id })).json();
    await call(harness, admin, 'POST', `/v1/workflow-runs/${run.id}/cancel`);
    await Promise.all([harness.service.sweepOverdue(), second.sweepOverdue()]);
    expect((await readRun(harness, admin, run.id)).tasks[0]!.status).toBe('cancelled');
    expect(await overdueEvents(run.id)).toHaveLength(0);
  });

  // The periodic sweep runs on its own at the configured interval.
  it('sweeps periodically', async () => {
    const { companyId, admin, slack } = await aCompany(harness, 'periodic');
    const workflow = await aPublishedWorkflow(harness, admin, { kind: 'provisioning', tasks: [{ providerIds: [slack], due: { days: -1, from: 'start_date' } }] });
    const person = anEmployee({ startDate: '2026-01-05' });
    await publishHire(harness.broker, companyId, person);
    await rosterHas(harness, companyId, person.id);
    const run = (await call(harness, admin, 'POST', `/v1/workflows/${workflow.id}/runs`, { employeeId: person.id })).json();
    await harness.startInstance({ WORKFLOWS_OVERDUE_SWEEP_MS: '200' });
    await runReaches(harness, admin, run.id, (r) => r.tasks[0]!.status === 'overdue', 'the periodic sweep to mark the task');
    await waitFor(async () => (await overdueEvents(run.id)).length === 1, { what: 'workflow.task.overdue' });
  });
});
