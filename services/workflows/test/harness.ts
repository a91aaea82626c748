import { randomUUID } from 'node:crypto';
import {
  accountStatusChanged,
  providerArchived,
  providerCreated,
  taskRequestsApplied,
  workflowTaskStarted,
  type AccountStatus,
  type WorkflowTaskStarted,
} from '@provisio/contracts';
import { eventKey, publishEvent, type Broker, type CloudEvent, type StreamName } from '@provisio/messaging';
import { createLogger, loadConfig, type Role } from '@provisio/service-kit';
import { bearer, connectTestBroker, createTestDatabase, testEnv, testNamespace, waitFor, type TestDatabase } from '@provisio/testing';
import { sql } from 'kysely';
import { createWorkflowsService, workflowsConfigSchema, type WorkflowsService } from '../src/index.js';

export type TestBroker = Awaited<ReturnType<typeof connectTestBroker>>;

/** One service (or several sharing a database and namespace) on a database and NATS namespace of its own. */
export interface Harness {
  ns: string;
  broker: TestBroker;
  testDb: TestDatabase;
  service: WorkflowsService;
  /** Another instance on the same database and namespace, with more environment if given. */
  startInstance(env?: Record<string, string>): Promise<WorkflowsService>;
  events: StreamReader;
  close(): Promise<void>;
}

export async function startHarness(label: string): Promise<Harness> {
  const ns = testNamespace();
  const broker = await connectTestBroker(ns);
  const testDb = await createTestDatabase(label);
  const instances: WorkflowsService[] = [];
  async function startInstance(env: Record<string, string> = {}) {
    const config = loadConfig(workflowsConfigSchema, { ...testEnv(ns), WORKFLOWS_DATABASE_URL: testDb.url, WORKFLOWS_OVERDUE_SWEEP_MS: '3600000', ...env });
    const instance = await createWorkflowsService(config, createLogger({ name: 'workflows', level: config.LOG_LEVEL }));
    instances.push(instance);
    await instance.start();
    return instance;
  }
  const service = await startInstance();
  return {
    ns,
    broker,
    testDb,
    service,
    startInstance,
    events: new StreamReader(broker, 'WORKFLOWS'),
    async close() {
      for (const instance of instances) await instance.close();
      await broker.cleanup();
      await testDb.drop();
    },
  };
}

/** Reads a stream of the test namespace from the start (works on NATS 2.9: no consumer needed). */
export class StreamReader {
  private readonly seen: CloudEvent[] = [];
  private next = 1;

  constructor(private readonly broker: Broker, private readonly stream: StreamName) {}

  async all(type?: string): Promise<CloudEvent[]> {
    const name = this.broker.ns.stream(this.stream);
    const info = await this.broker.jsm.streams.info(name);
    for (; this.next <= info.state.last_seq; this.next++) {
      const message = await this.broker.jsm.streams.getMessage(name, { seq: this.next }).catch(() => null);
      if (message) this.seen.push(message.json<CloudEvent>());
    }
    return type ? this.seen.filter((event) => event.type === type) : [...this.seen];
  }

  async ofRun<T = Record<string, unknown>>(type: string, runId: string): Promise<CloudEvent<T>[]> {
    return (await this.all(type)).filter((event) => (event.data as { runId?: string }).runId === runId) as CloudEvent<T>[];
  }
}

export async function authHeader(sub: string, companyId: string, role: Role) {
  return { authorization: await bearer(sub, companyId, role) };
}

export const newCompany = (label: string) => `co-${label}-${randomUUID().slice(0, 6)}`;

/** Announces a provider as the providers service would, and waits until this service knows it. */
export async function aProvider(harness: Harness, companyId: string, options: { name?: string; assigneeId?: string; archived?: boolean } = {}): Promise<string> {
  const providerId = randomUUID();
  const snapshot = {
    companyId,
    providerId,
    name: options.name ?? `App ${providerId.slice(0, 6)}`,
    logoUrl: null,
    provisioningAssigneeId: options.assigneeId ?? 'nobody',
    deprovisioningAssigneeId: options.assigneeId ?? 'nobody',
    archived: false,
    version: 1,
  };
  await publishEvent(harness.broker.js, harness.broker.ns, providerCreated.build(snapshot, { source: 'test-providers' }));
  if (options.archived) {
    await publishEvent(harness.broker.js, harness.broker.ns, providerArchived.build({ ...snapshot, archived: true, version: 2 }, { source: 'test-providers' }));
  }
  await waitFor(
    async () => {
      const { rows } = await sql<{ archived: boolean }>`select archived from provider_projection where company_id = ${companyId} and id = ${providerId}`.execute(harness.service.runtime.db.kysely);
      return rows[0] !== undefined && rows[0].archived === (options.archived ?? false);
    },
    { what: `provider ${providerId} in the projection`, timeoutMs: 20_000 },
  );
  return providerId;
}

/** Waits until the roster projection has the employee in the given status. */
export async function rosterHas(harness: Harness, companyId: string, employeeId: string, status: 'active' | 'terminated' = 'active') {
  await waitFor(
    async () => {
      const { rows } = await sql<{ status: string }>`select status from roster_employees where company_id = ${companyId} and id = ${employeeId}`.execute(harness.service.runtime.db.kysely);
      return rows[0]?.status === status;
    },
    { what: `employee ${employeeId} ${status} in the roster`, timeoutMs: 20_000 },
  );
}

/** How many HR events of this employee the roster recorded (each one's run decision is taken with it). */
export async function rosterEventCount(harness: Harness, companyId: string, employeeId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from roster_events where company_id = ${companyId} and employee_id = ${employeeId}`.execute(harness.service.runtime.db.kysely);
  return rows[0]!.n;
}

export async function runsOf(harness: Harness, companyId: string, employeeId: string) {
  const { rows } = await sql<{ id: string; workflow_id: string; workflow_version: number; trigger: string; status: string }>`
    select id, workflow_id, workflow_version, trigger, status from workflow_runs
    where company_id = ${companyId} and employee_id = ${employeeId} order by started_at, id`.execute(harness.service.runtime.db.kysely);
  return rows;
}

/**
 * Plays the accounts service: keeps an account per (provider, employee) with a version, answers
 * `workflow.task.started` like it would, and builds the events without publishing them, so a test decides
 * their order and repeats.
 */
export class FakeAccounts {
  private readonly accounts = new Map<string, { status: AccountStatus; version: number }>();

  constructor(private readonly harness: Harness) {}

  private key(providerId: string, employeeId: string) {
    return `${providerId}|${employeeId}`;
  }

  status(providerId: string, employeeId: string) {
    return this.accounts.get(this.key(providerId, employeeId)) ?? { status: 'no_account' as AccountStatus, version: 0 };
  }

  /** An account change, e.g. someone ticks the checklist; returns the `account.status_changed` event. */
  change(companyId: string, providerId: string, employeeId: string, to: AccountStatus, extra: { workflowRunId?: string; workflowTaskId?: string; reason?: string } = {}) {
    const current = this.status(providerId, employeeId);
    const version = current.version + 1;
    this.accounts.set(this.key(providerId, employeeId), { status: to, version });
    return accountStatusChanged.build(
      {
        companyId,
        providerId,
        employeeId,
        from: current.status,
        to,
        assigneeId: to.endsWith('_requested') ? 'assignee' : null,
        dueAt: null,
        actorId: 'test',
        version,
        at: new Date().toISOString(),
        ...extra,
      },
      { source: 'test-accounts' },
    );
  }

  /** Waits for the task.started events of a run. */
  async tasksOf(runId: string, count = 1): Promise<WorkflowTaskStarted[]> {
    return waitFor(
      async () => {
        const events = await this.harness.events.ofRun<WorkflowTaskStarted>(workflowTaskStarted.type, runId);
        return events.length >= count ? events.map((event) => event.data) : undefined;
      },
      { what: `${count} workflow.task.started of run ${runId}`, timeoutMs: 20_000 },
    );
  }

  /**
   * What the accounts service does on `workflow.task.started`: opens a request where one is needed and
   * answers with the items. `all_with_access` resolves to the accounts with access among `known`, and lists
   * the other known providers as skipped. Returns the answer and the status changes of the requests.
   */
  apply(task: WorkflowTaskStarted, known: string[] = []) {
    const changes: CloudEvent[] = [];
    const items: { providerId: string; state: 'pending' | 'done' | 'skipped'; status: AccountStatus; version: number }[] = [];
    const providers = task.providers === 'all_with_access' ? known : task.providers;
    for (const providerId of providers) {
      const { status } = this.status(providerId, task.employeeId);
      const target = task.action === 'provision' ? 'provisioned' : 'deprovisioned';
      const request = task.action === 'provision' ? 'provisioning_requested' : 'deprovisioning_requested';
      const canRequest = task.action === 'provision' ? ['no_account', 'deprovisioned'].includes(status) : status === 'provisioned';
      if (status === target) items.push({ providerId, state: 'done', status, version: this.status(providerId, task.employeeId).version });
      else if (status === request) items.push({ providerId, state: 'pending', status, version: this.status(providerId, task.employeeId).version });
      else if (canRequest) {
        changes.push(this.change(task.companyId, providerId, task.employeeId, request, { workflowRunId: task.runId, workflowTaskId: task.taskId }));
        items.push({ providerId, state: 'pending', status: request, version: this.status(providerId, task.employeeId).version });
      } else items.push({ providerId, state: 'skipped', status, version: this.status(providerId, task.employeeId).version });
    }
    const answer = taskRequestsApplied.build(
      { companyId: task.companyId, runId: task.runId, taskId: task.taskId, employeeId: task.employeeId, action: task.action, items },
      { source: 'test-accounts' },
    );
    return { answer, changes };
  }

  /** Publishes events in the given order; `copies` also delivers each again under another message id. */
  async publish(events: CloudEvent[], options: { copies?: boolean } = {}) {
    const { js, ns } = this.harness.broker;
    for (const event of events) {
      await publishEvent(js, ns, event);
      if (options.copies) await js.publish(ns.subject(event.type), JSON.stringify(event), { msgID: `${event.id}-again` });
    }
  }
}

/** A caller of the API. */
export interface Caller {
  id: string;
  companyId: string;
  role: Role;
}

export async function call(harness: Harness, caller: Caller, method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object, headers: Record<string, string> = {}) {
  return harness.service.app.inject({
    method,
    url,
    headers: { ...(await authHeader(caller.id, caller.companyId, caller.role)), ...headers },
    ...(payload === undefined ? {} : { payload }),
  });
}

/** Creates and publishes a workflow through the API; fails the test on any other answer. */
export async function aPublishedWorkflow(harness: Harness, admin: Caller, body: Record<string, unknown>): Promise<{ id: string; version: number }> {
  const created = await call(harness, admin, 'POST', '/v1/workflows', { name: `Workflow ${randomUUID().slice(0, 8)}`, ...body });
  if (created.statusCode !== 201) throw new Error(`creating the workflow answered ${created.statusCode}: ${created.body}`);
  const published = await call(harness, admin, 'POST', `/v1/workflows/${created.json().id}/publish`);
  if (published.statusCode !== 200) throw new Error(`publishing the workflow answered ${published.statusCode}: ${published.body}`);
  return published.json();
}

/** A company with a Full Access Admin in the roster and three providers. */
export async function aCompany(harness: Harness, label: string) {
  const { anEmployee, publishHire } = await import('@provisio/testing');
  const companyId = newCompany(label);
  const adminEmployee = anEmployee({ accessLevel: 'admin' });
  await publishHire(harness.broker, companyId, adminEmployee);
  await rosterHas(harness, companyId, adminEmployee.id);
  const admin: Caller = { id: adminEmployee.id, companyId, role: 'admin' };
  const [slack, github, notion] = [
    await aProvider(harness, companyId, { name: 'Slack' }),
    await aProvider(harness, companyId, { name: 'GitHub' }),
    await aProvider(harness, companyId, { name: 'Notion' }),
  ] as [string, string, string];
  return { companyId, admin, adminEmployee, slack, github, notion };
}

/** Reads a run through the API as the company's admin. */
export async function readRun(harness: Harness, admin: Caller, runId: string) {
  const response = await call(harness, admin, 'GET', `/v1/workflow-runs/${runId}`);
  if (response.statusCode !== 200) throw new Error(`reading run ${runId} answered ${response.statusCode}: ${response.body}`);
  return response.json() as {
    id: string;
    workflowId: string;
    workflowVersion: number;
    employeeId: string;
    trigger: string;
    status: string;
    completedAt: string | null;
    tasks: { id: string; title: string; status: string; dueAt: string | null; assigneeId: string | null; items: { providerId: string; action: string; state: string }[] }[];
  };
}

/** Waits until a run read through the API satisfies `check`. */
export async function runReaches(harness: Harness, admin: Caller, runId: string, check: (run: Awaited<ReturnType<typeof readRun>>) => boolean, what: string) {
  return waitFor(async () => {
    const run = await readRun(harness, admin, runId);
    return check(run) ? run : undefined;
  }, { what, timeoutMs: 20_000 });
}

/** Item states of a run's first task by provider. */
export function statesOf(run: Awaited<ReturnType<typeof readRun>>, task = 0): Record<string, string> {
  return Object.fromEntries((run.tasks[task]?.items ?? []).map((item) => [item.providerId, item.state]));
}

/** How many of these events a consumer has applied. */
export async function processed(harness: Harness, consumer: string, events: CloudEvent[]): Promise<number> {
  const keys = events.map((event) => eventKey(event));
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from processed_events where consumer = ${consumer} and event_key = any(${keys})`.execute(harness.service.runtime.db.kysely);
  return rows[0]!.n;
}
