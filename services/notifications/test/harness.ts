import { randomUUID } from 'node:crypto';
import { sql } from 'kysely';
import { accountStatusChanged, providerCreated, workflowTaskOverdue, type AccountStatus, type AccountStatusChanged } from '@provisio/contracts';
import { publishEvent, type CloudEvent } from '@provisio/messaging';
import { createLogger, loadConfig } from '@provisio/service-kit';
import { connectTestBroker, createTestDatabase, testEnv, testNamespace, waitFor, type TestDatabase } from '@provisio/testing';
import { createNotificationsService, notificationsConfigSchema, type NotificationsService } from '../src/index.js';

export type TestBroker = Awaited<ReturnType<typeof connectTestBroker>>;

export interface Harness {
  testDb: TestDatabase;
  broker: TestBroker;
  service: NotificationsService;
  /** Another instance of the service on the same database and namespace, as a second replica would be. */
  startReplica(): Promise<NotificationsService>;
  stopReplicas(): Promise<void>;
  close(): Promise<void>;
}

/** The service on a database and a NATS namespace of its own, started; `close` removes both. */
export async function startNotifications(label: string, env: Record<string, string> = {}): Promise<Harness> {
  const testDb = await createTestDatabase(label);
  const ns = testNamespace();
  const broker = await connectTestBroker(ns);
  const config = loadConfig(notificationsConfigSchema, { ...testEnv(ns), NOTIFICATIONS_DATABASE_URL: testDb.url, ...env });
  const logger = createLogger({ name: 'notifications', level: config.LOG_LEVEL });
  const service = await createNotificationsService(config, logger);
  await service.start();
  const replicas: NotificationsService[] = [];
  return {
    testDb,
    broker,
    service,
    async startReplica() {
      const replica = await createNotificationsService(config, logger);
      replicas.push(replica);
      await replica.start();
      return replica;
    },
    async stopReplicas() {
      for (const replica of replicas.splice(0)) await replica.close();
    },
    async close() {
      for (const replica of replicas) await replica.close();
      await service.close();
      await broker.cleanup();
      await testDb.drop();
    },
  };
}

interface AccountState {
  status: AccountStatus;
  version: number;
  assigneeId: string | null;
}

const isRequested = (status: AccountStatus) => status === 'provisioning_requested' || status === 'deprovisioning_requested';

/**
 * Plays the accounts service: keeps each account's status and version and builds the `account.status_changed`
 * event of the next move. Events are built first and published when (and in the order) a test chooses.
 */
export function createAccountsPlayer(broker: TestBroker, companyId: string) {
  const accounts = new Map<string, AccountState>();
  // The accounts service's clock moves on between two changes.
  let clock = 0;
  const tick = () => (clock = Math.max(Date.now(), clock + 1));

  function move(
    providerId: string,
    employeeId: string,
    to: AccountStatus,
    options: { assigneeId?: string; dueAt?: string | null; reason?: string } = {},
  ): CloudEvent<AccountStatusChanged> {
    const key = `${providerId}:${employeeId}`;
    const current = accounts.get(key) ?? { status: 'no_account', version: 0, assigneeId: null };
    const assigneeId = isRequested(to) ? (options.assigneeId ?? current.assigneeId) : null;
    const event = accountStatusChanged.build(
      {
        companyId,
        providerId,
        employeeId,
        from: current.status,
        to,
        assigneeId,
        previousAssigneeId: current.assigneeId,
        dueAt: isRequested(to) ? (options.dueAt ?? null) : null,
        actorId: 'test-actor',
        reason: options.reason ?? null,
        version: current.version + 1,
        at: new Date(tick()).toISOString(),
      },
      { source: 'provisio/accounts', subject: key },
    );
    accounts.set(key, { status: to, version: current.version + 1, assigneeId });
    return event;
  }

  return {
    move,
    request: (providerId: string, employeeId: string, assigneeId: string, dueAt: string | null = null) =>
      move(providerId, employeeId, 'provisioning_requested', { assigneeId, dueAt }),
    requestDeprovisioning: (providerId: string, employeeId: string, assigneeId: string) =>
      move(providerId, employeeId, 'deprovisioning_requested', { assigneeId }),
    complete: (providerId: string, employeeId: string) => {
      const status = accounts.get(`${providerId}:${employeeId}`)?.status;
      return move(providerId, employeeId, status === 'deprovisioning_requested' ? 'deprovisioned' : 'provisioned');
    },
    cancel: (providerId: string, employeeId: string) => {
      const status = accounts.get(`${providerId}:${employeeId}`)?.status;
      return move(providerId, employeeId, status === 'deprovisioning_requested' ? 'provisioned' : 'no_account', { reason: 'cancelled' });
    },
    reassign: (providerId: string, employeeId: string, assigneeId: string) => {
      const status = accounts.get(`${providerId}:${employeeId}`)?.status ?? 'provisioning_requested';
      return move(providerId, employeeId, status, { assigneeId });
    },
    async publish(...events: CloudEvent[]): Promise<void> {
      await Promise.all(events.map((event) => publishEvent(broker.js, broker.ns, event)));
    },
  };
}

export async function publishProvider(broker: TestBroker, companyId: string, name: string, assigneeId: string): Promise<string> {
  const providerId = randomUUID();
  const event = providerCreated.build(
    {
      companyId,
      providerId,
      name,
      logoUrl: null,
      provisioningAssigneeId: assigneeId,
      deprovisioningAssigneeId: assigneeId,
      archived: false,
      version: 1,
    },
    { source: 'provisio/providers' },
  );
  await publishEvent(broker.js, broker.ns, event);
  return providerId;
}

export async function publishTaskOverdue(
  broker: TestBroker,
  data: { companyId: string; employeeId: string; providerIds: string[]; assigneeId: string; dueAt: string },
): Promise<void> {
  const event = workflowTaskOverdue.build({ ...data, runId: randomUUID(), taskId: randomUUID(), action: 'provision' }, { source: 'provisio/workflows' });
  await publishEvent(broker.js, broker.ns, event);
}

/** The notifications of one (company, assignee, employee) as stored, with their items. */
export async function storedNotifications(service: NotificationsService, companyId: string, employeeId: string) {
  // One snapshot: read in two, a commit between the reads (a sweep marking an item and bumping its
  // notification) would pair new items with an old notification.
  return service.runtime.db.kysely
    .transaction()
    .setIsolationLevel('repeatable read')
    .execute(async (db) => {
      const notifications = await db
        .selectFrom('notifications')
        .selectAll()
        .where('company_id', '=', companyId)
        .where('employee_id', '=', employeeId)
        .orderBy('created_at')
        .execute();
      const items = await db
        .selectFrom('notification_items')
        .selectAll()
        .where('company_id', '=', companyId)
        .where('employee_id', '=', employeeId)
        .orderBy('created_at')
        .execute();
      return notifications.map((notification) => ({
        ...notification,
        items: items.filter((item) => item.notification_id === notification.id),
      }));
    });
}

export async function countOpen(service: NotificationsService, companyId: string, employeeId: string): Promise<number> {
  const { rows } = await sql<{ n: number }>`select count(*)::int as n from notifications
    where company_id = ${companyId} and employee_id = ${employeeId} and state = 'open'`.execute(service.runtime.db.kysely);
  return rows[0]!.n;
}

/** Waits until the accounts consumer has handled (and so stacked, in the same commit) more messages than `before`. */
export async function handledAndStacked(service: NotificationsService, before: { applied: number; duplicate: number }, more: { applied?: number; duplicate?: number }) {
  const { stats } = service.consumers.accounts;
  await waitFor(
    async () =>
      stats.applied >= before.applied + (more.applied ?? 0) && stats.duplicate >= before.duplicate + (more.duplicate ?? 0),
    { what: 'the events handled and stacked' },
  );
}

export interface ChangedEvent {
  notificationId: string;
  assigneeId: string;
  employeeId: string;
  companyId: string;
  change: 'created' | 'updated';
  state: 'open' | 'done';
  pendingItems: number;
  version: number;
}

/** Every `notification.changed` in the namespace's NOTIFICATIONS stream so far, in stream order. */
export async function changedEvents(broker: TestBroker): Promise<ChangedEvent[]> {
  const stream = broker.ns.stream('NOTIFICATIONS');
  const info = await broker.jsm.streams.info(stream);
  const events: ChangedEvent[] = [];
  for (let seq = info.state.first_seq; seq <= info.state.last_seq && info.state.messages > 0; seq += 1) {
    const message = await broker.jsm.streams.getMessage(stream, { seq }).catch(() => undefined);
    if (message) events.push(message.json<{ data: ChangedEvent }>().data);
  }
  return events;
}
