import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { workflowRunCancelled, workflowTaskStarted, type WorkflowTaskStarted } from '@provisio/contracts';
import { publishEvent, type CloudEvent } from '@provisio/messaging';
import { anEmployee, publishHire, waitFor } from '@provisio/testing';
import { caller, collectEvents, newCompany, seedHire, seedProvider, seedTermination, startAccounts, type Harness } from './harness.js';

type Item = { providerId: string; state: string; status: string; version: number };

describe('work from workflows', () => {
  let h: Harness;
  let events: Awaited<ReturnType<typeof collectEvents>>;
  const companyId = newCompany();
  let admin: ReturnType<typeof caller>;
  const p: Record<string, string> = {};

  beforeAll(async () => {
    h = await startAccounts('accounts_workflows');
    events = await collectEvents(h.broker, 'ACCOUNTS');
    await seedHire(h.service, companyId, { id: 'admin', accessLevel: 'admin' });
    await seedHire(h.service, companyId, { id: 'task-admin', accessLevel: 'admin' });
    admin = caller(h.service, companyId, 'admin', 'admin');
    for (const name of ['one', 'two', 'three', 'four', 'five', 'six']) {
      p[name] = (await seedProvider(h.service, companyId, { name, provisioningAssigneeId: 'admin', deprovisioningAssigneeId: 'admin' })).providerId;
    }
    p.archived = (await seedProvider(h.service, companyId, { name: 'archived', archived: true })).providerId;
  });
  afterAll(async () => {
    await events.stop();
    await h.close();
  });

  async function setUp(employeeId: string, actions: [provider: string, action: string][]) {
    const response = await admin.post('/v1/accounts/batch', { actions: actions.map(([provider, action]) => ({ providerId: p[provider], employeeId, action })) });
    expect(response.json().results.every((result: { ok: boolean }) => result.ok), response.body).toBe(true);
  }

  function taskStarted(data: Partial<WorkflowTaskStarted> & Pick<WorkflowTaskStarted, 'employeeId' | 'action' | 'providers'>, time?: Date) {
    return workflowTaskStarted.build(
      { companyId, runId: randomUUID(), taskId: randomUUID(), workflowId: randomUUID(), assigneeId: null, dueAt: null, actorId: 'workflows', ...data },
      { source: 'provisio/workflows', ...(time ? { time } : {}) },
    );
  }

  async function answerTo(task: CloudEvent<WorkflowTaskStarted>) {
    const answer = await waitFor(() => events.ofType('account.task_requests_applied').find((event) => event.data.taskId === task.data.taskId), {
      what: `the answer to task ${task.data.taskId}`,
    });
    expect(answer.data).toMatchObject({ companyId, runId: task.data.runId, employeeId: task.data.employeeId, action: task.data.action });
    return answer.data.items as Item[];
  }

  const byProvider = (items: Item[]) => Object.fromEntries(items.map((item) => [Object.keys(p).find((name) => p[name] === item.providerId), item]));
  const account = async (employeeId: string, provider: string) =>
    (await admin.get(`/v1/employees/${employeeId}/accounts?limit=500`)).json().items.find((item: { providerId: string }) => item.providerId === p[provider]);

  // A provisioning task requests what is missing (pending), counts what exists as done, and skips archived providers.
  it('answers a provisioning task with pending, done and skipped items', async () => {
    const { id } = await seedHire(h.service, companyId);
    await setUp(id, [['two', 'mark-provisioned'], ['three', 'request-provisioning'], ['four', 'mark-provisioned'], ['four', 'mark-deprovisioned'], ['five', 'mark-provisioned'], ['five', 'request-deprovisioning']]);
    const dueAt = '2026-12-05T17:00:00.000Z';
    const task = taskStarted({ employeeId: id, action: 'provision', providers: [p.one!, p.two!, p.three!, p.four!, p.five!, p.archived!], assigneeId: 'task-admin', dueAt });
    await publishEvent(h.broker.js, h.broker.ns, task);
    const items = byProvider(await answerTo(task));
    expect(items).toEqual({
      one: { providerId: p.one, state: 'pending', status: 'provisioning_requested', version: 1 },
      two: { providerId: p.two, state: 'done', status: 'provisioned', version: 1 },
      three: { providerId: p.three, state: 'pending', status: 'provisioning_requested', version: 1 },
      four: { providerId: p.four, state: 'pending', status: 'provisioning_requested', version: 3 },
      five: { providerId: p.five, state: 'done', status: 'provisioned', version: 3 },
      archived: { providerId: p.archived, state: 'skipped', status: 'no_account', version: 0 },
    });
    // New requests carry the run, the task, its assignee and due date; the one already open is left as it was.
    expect(await account(id, 'one')).toMatchObject({ workflowRunId: task.data.runId, workflowTaskId: task.data.taskId, assigneeId: 'task-admin', dueAt });
    expect(await account(id, 'three')).toMatchObject({ workflowRunId: null, assigneeId: 'admin' });
    const changes = events.ofType('account.status_changed').filter((event) => event.data.employeeId === id && event.data.workflowRunId === task.data.runId);
    expect(changes.map((event) => event.data.providerId).sort()).toEqual([p.one, p.four].sort());
  });

  // all_with_access resolves to every provider where the person has or is getting access, and removes it.
  it('resolves all_with_access for a deprovisioning task', async () => {
    const { id } = await seedHire(h.service, companyId);
    await setUp(id, [
      ['one', 'mark-provisioned'],
      ['two', 'request-provisioning'],
      ['three', 'mark-provisioned'],
      ['three', 'request-deprovisioning'],
      ['four', 'mark-provisioned'],
      ['four', 'mark-deprovisioned'],
    ]);
    const task = taskStarted({ employeeId: id, action: 'deprovision', providers: 'all_with_access' });
    await publishEvent(h.broker.js, h.broker.ns, task);
    const items = byProvider(await answerTo(task));
    expect(items).toEqual({
      one: { providerId: p.one, state: 'pending', status: 'deprovisioning_requested', version: 2 },
      two: { providerId: p.two, state: 'skipped', status: 'no_account', version: 2 },
      three: { providerId: p.three, state: 'pending', status: 'deprovisioning_requested', version: 2 },
    });
    expect(await account(id, 'one')).toMatchObject({ assigneeId: 'admin', workflowRunId: task.data.runId });
  });

  // A deprovisioning item is skipped where there is no account and done where it is already gone.
  it('skips no_account and counts deprovisioned as done when deprovisioning', async () => {
    const { id } = await seedHire(h.service, companyId);
    await setUp(id, [['two', 'mark-provisioned'], ['two', 'mark-deprovisioned']]);
    const task = taskStarted({ employeeId: id, action: 'deprovision', providers: [p.one!, p.two!] });
    await publishEvent(h.broker.js, h.broker.ns, task);
    expect(byProvider(await answerTo(task))).toEqual({
      one: { providerId: p.one, state: 'skipped', status: 'no_account', version: 0 },
      two: { providerId: p.two, state: 'done', status: 'deprovisioned', version: 2 },
    });
  });

  // Provisioning someone who has left does nothing.
  it('skips every item of a provisioning task for a terminated employee', async () => {
    const { id } = await seedHire(h.service, companyId);
    await seedTermination(h.service, companyId, id);
    const task = taskStarted({ employeeId: id, action: 'provision', providers: [p.one!, p.two!] });
    await publishEvent(h.broker.js, h.broker.ns, task);
    const items = await answerTo(task);
    expect(items.map((item) => item.state)).toEqual(['skipped', 'skipped']);
    expect((await account(id, 'one')).status).toBe('no_account');
  });

  // A wave of hires is a backlog of tasks: applied in batches, and two tasks about the same person one after
  // the other, the second planning from what the first did.
  it('applies a backlog of tasks together, and tasks about one person in turn', async () => {
    const hires = await Promise.all(Array.from({ length: 20 }, () => seedHire(h.service, companyId)));
    const tasks = hires.map(({ id }) => taskStarted({ employeeId: id, action: 'provision', providers: [p.one!, p.two!] }));
    // Another actor's task about the first person: still after the first task, and recorded as that actor's.
    const again = taskStarted({ employeeId: hires[0]!.id, action: 'provision', providers: [p.two!, p.three!], actorId: 'other-admin' });
    const { consumers } = h.service.runtime;
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    try {
      for (const task of [...tasks, again]) await publishEvent(h.broker.js, h.broker.ns, task);
    } finally {
      await Promise.all(consumers.map((consumer) => consumer.start()));
    }
    for (const task of tasks) {
      expect(await answerTo(task)).toEqual([
        { providerId: p.one, state: 'pending', status: 'provisioning_requested', version: 1 },
        { providerId: p.two, state: 'pending', status: 'provisioning_requested', version: 1 },
      ]);
    }
    expect(await answerTo(again)).toEqual([
      { providerId: p.two, state: 'pending', status: 'provisioning_requested', version: 1 },
      { providerId: p.three, state: 'pending', status: 'provisioning_requested', version: 1 },
    ]);
    const history = (await admin.get(`/v1/employees/${hires[0]!.id}/accounts/history`)).json().items as { providerId: string; actorId: string }[];
    expect(history.find((entry) => entry.providerId === p.three)?.actorId).toBe('other-admin');
    expect(history.find((entry) => entry.providerId === p.one)?.actorId).toBe('workflows');
    // One apply per batch, and every change of an apply has the same time. The backlog reaches the consumer in
    // one or a few pulls, so one or a few batches; task by task it would be one time per task.
    const { rows } = await sql<{ at: Date }>`select distinct at from account_history
      where company_id = ${companyId} and employee_id = any(${hires.slice(1).map(({ id }) => id)})`.execute(h.service.runtime.db.kysely);
    expect(rows.length).toBeLessThanOrEqual(3);
  });

  // A task whose employee is not projected yet waits (with any later task about that person) while the rest of
  // its batch is applied together; it is applied once the hire arrives.
  it('applies the rest of a batch while a task waits for its employee', async () => {
    const hires = await Promise.all(Array.from({ length: 10 }, () => seedHire(h.service, companyId)));
    const newcomer = anEmployee();
    const known = hires.map(({ id }) => taskStarted({ employeeId: id, action: 'provision', providers: [p.four!] }));
    const early = taskStarted({ employeeId: newcomer.id, action: 'provision', providers: [p.four!] });
    const behind = taskStarted({ employeeId: newcomer.id, action: 'provision', providers: [p.four!, p.five!] });
    const { consumers } = h.service.runtime;
    await Promise.all(consumers.map((consumer) => consumer.stop()));
    try {
      for (const task of [early, ...known, behind]) await publishEvent(h.broker.js, h.broker.ns, task);
    } finally {
      await Promise.all(consumers.map((consumer) => consumer.start()));
    }
    for (const task of known) expect((await answerTo(task)).map((item) => item.state)).toEqual(['pending']);
    const { rows } = await sql<{ at: Date }>`select distinct at from account_history
      where company_id = ${companyId} and employee_id = any(${hires.map(({ id }) => id)})`.execute(h.service.runtime.db.kysely);
    // Together (one time per batch, one or a few batches), not one by one (ten times) after a failed batch.
    expect(rows.length).toBeLessThanOrEqual(3);
    expect(events.ofType('account.task_requests_applied').some((event) => event.data.employeeId === newcomer.id)).toBe(false);
    await publishHire(h.broker, companyId, newcomer);
    expect(await answerTo(early)).toEqual([{ providerId: p.four, state: 'pending', status: 'provisioning_requested', version: 1 }]);
    expect(await answerTo(behind)).toEqual([
      { providerId: p.four, state: 'pending', status: 'provisioning_requested', version: 1 },
      { providerId: p.five, state: 'pending', status: 'provisioning_requested', version: 1 },
    ]);
  });

  // The same event delivered again (another broker message, same CloudEvent) changes nothing and is not answered twice.
  it('ignores a redelivered task', async () => {
    const { id } = await seedHire(h.service, companyId);
    const task = taskStarted({ employeeId: id, action: 'provision', providers: [p.six!] });
    await publishEvent(h.broker.js, h.broker.ns, task);
    await answerTo(task);
    const duplicates = () => h.service.runtime.consumers.reduce((sum, consumer) => sum + consumer.stats.duplicate, 0);
    const before = duplicates();
    await h.broker.js.publish(h.broker.ns.subject(task.type), JSON.stringify(task), { msgID: `${task.id}#redelivered` });
    await waitFor(() => duplicates() > before, { what: 'the repeat recognised' });
    expect(events.ofType('account.task_requests_applied').filter((event) => event.data.taskId === task.data.taskId)).toHaveLength(1);
    expect(await account(id, 'six')).toMatchObject({ status: 'provisioning_requested', version: 1 });
    const history = (await admin.get(`/v1/employees/${id}/accounts/history`)).json().items;
    expect(history).toHaveLength(1);
  });

  // Cancelling a run withdraws the requests it opened and still open; a task of that run arriving later requests nothing.
  it('withdraws the open requests of a cancelled run, whatever the order', async () => {
    const { id } = await seedHire(h.service, companyId);
    await setUp(id, [['three', 'request-provisioning']]);
    const task = taskStarted({ employeeId: id, action: 'provision', providers: [p.one!, p.two!] });
    await publishEvent(h.broker.js, h.broker.ns, task);
    await answerTo(task);
    await admin.post(`/v1/providers/${p.two}/accounts/${id}/mark-provisioned`, {});
    const cancel = workflowRunCancelled.build(
      { companyId, runId: task.data.runId, workflowId: task.data.workflowId, employeeId: id, actorId: 'admin' },
      { source: 'provisio/workflows' },
    );
    await publishEvent(h.broker.js, h.broker.ns, cancel);
    await waitFor(async () => (await account(id, 'one')).status === 'no_account', { what: 'the run request withdrawn' });
    expect(await account(id, 'two')).toMatchObject({ status: 'provisioned' });
    expect(await account(id, 'three')).toMatchObject({ status: 'provisioning_requested' });
    const history = (await admin.get(`/v1/employees/${id}/accounts/history`)).json().items;
    expect(history[0]).toMatchObject({ providerId: p.one, to: 'no_account', reason: 'run_cancelled', actorId: 'admin', workflowRunId: task.data.runId });

    // A later task of the cancelled run (delivered late) is answered with skipped items only.
    const late = taskStarted({ runId: task.data.runId, employeeId: id, action: 'provision', providers: [p.four!] });
    await publishEvent(h.broker.js, h.broker.ns, late);
    expect((await answerTo(late)).map((item) => item.state)).toEqual(['skipped']);
    expect((await account(id, 'four')).status).toBe('no_account');
  });

  // A task may overtake the hire it comes from (they travel on different streams): it waits for the roster.
  it('waits for an employee the roster does not know yet', async () => {
    const newcomer = anEmployee();
    const task = taskStarted({ employeeId: newcomer.id, action: 'provision', providers: [p.one!] });
    await publishEvent(h.broker.js, h.broker.ns, task);
    await publishHire(h.broker, companyId, newcomer);
    const items = await waitFor(() => events.ofType('account.task_requests_applied').find((event) => event.data.taskId === task.data.taskId), {
      what: 'the answer after the hire',
      timeoutMs: 20_000,
    });
    expect(items.data.items).toEqual([{ providerId: p.one, state: 'pending', status: 'provisioning_requested', version: 1 }]);
  });

  // A task about someone who never appears in the roster ends with skipped items once the grace period is over.
  it('skips a task for an unknown employee once it is old', async () => {
    const task = taskStarted({ employeeId: 'never-hired', action: 'provision', providers: [p.one!] }, new Date(Date.now() - 10 * 60_000));
    await publishEvent(h.broker.js, h.broker.ns, task);
    expect((await answerTo(task)).map((item) => item.state)).toEqual(['skipped']);
  });
});
