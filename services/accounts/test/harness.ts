import { randomUUID } from 'node:crypto';
import { DeliverPolicy } from '@nats-io/jetstream';
import { employeeHired, employeeTerminated, type HrEmployee, type ProviderSnapshot } from '@provisio/contracts';
import type { Broker, CloudEvent, StreamName } from '@provisio/messaging';
import { applyRosterEvent, type RosterTables } from '@provisio/roster';
import { createLogger, loadConfig, type Role } from '@provisio/service-kit';
import { anEmployee, bearer, connectTestBroker, createTestDatabase, testEnv, testNamespace, type TestDatabase } from '@provisio/testing';
import type { Transaction } from 'kysely';
import { accountsConfigSchema, createAccountsService, type AccountsService } from '../src/index.js';
import { rosterReactions } from '../src/employees/roster-reactions.js';
import { createAccountRepository } from '../src/accounts/repository.js';
import { createAccountService } from '../src/accounts/account-service.js';
import { createEmployeeRepository } from '../src/employees/repository.js';
import { createProviderRepository } from '../src/providers/repository.js';

export interface Harness {
  service: AccountsService;
  broker: Broker & { cleanup(): Promise<void> };
  testDb: TestDatabase;
  close(): Promise<void>;
}

/** The accounts service on a database and NATS namespace of its own, consumers and relay running. */
export async function startAccounts(label: string): Promise<Harness> {
  const testDb = await createTestDatabase(label);
  const ns = testNamespace();
  const config = loadConfig(accountsConfigSchema, { ...testEnv(ns), ACCOUNTS_DATABASE_URL: testDb.url });
  const logger = createLogger({ name: 'accounts', level: config.LOG_LEVEL });
  const service = await createAccountsService(config, logger);
  await service.start();
  const broker = await connectTestBroker(ns, `${label}-test`);
  return {
    service,
    broker,
    testDb,
    async close() {
      await service.close();
      await broker.cleanup();
      await testDb.drop();
    },
  };
}

export const newCompany = () => `co-${randomUUID().slice(0, 8)}`;

/** Calls the API as `sub` of `companyId` with `role`. */
export function caller(service: AccountsService, companyId: string, sub: string, role: Role) {
  const headers = async () => ({ authorization: await bearer(sub, companyId, role) });
  return {
    async get(url: string) {
      return service.app.inject({ method: 'GET', url, headers: await headers() });
    },
    async post(url: string, payload?: unknown, extraHeaders: Record<string, string> = {}) {
      return service.app.inject({
        method: 'POST',
        url,
        headers: { ...(await headers()), ...extraHeaders },
        ...(payload === undefined ? {} : { payload: payload as object }),
      });
    },
  };
}

/**
 * Seeds the roster through the roster handler the consumer runs (applyRosterEvent + the roster reactions),
 * without the broker: fast, and the same code path as a delivered HR event.
 */
export async function seedHire(service: AccountsService, companyId: string, overrides: Partial<HrEmployee> = {}, time?: Date): Promise<HrEmployee> {
  const employee = anEmployee(overrides);
  const event = employeeHired.build({ companyId, employee }, { source: 'seed', ...(time ? { time } : {}) });
  await applyHr(service, event as CloudEvent<never>);
  return employee;
}

export async function seedTermination(service: AccountsService, companyId: string, employeeId: string, terminationDate = '2026-11-20'): Promise<void> {
  const event = employeeTerminated.build({ companyId, employeeId, terminationDate }, { source: 'seed' });
  await applyHr(service, event as CloudEvent<never>);
}

/** What the `accounts-roster` consumer does with one HR event (the factories are stateless, so these are equivalent). */
export async function applyHr(service: AccountsService, event: CloudEvent<never>) {
  const db = service.runtime.db;
  const accountRepo = createAccountRepository();
  const accounts = createAccountService({ db, accounts: accountRepo, providers: createProviderRepository(), employees: createEmployeeRepository() });
  const reactions = rosterReactions({ accounts, accountRepo, logger: { warn() {} } });
  await db.transaction(async (tx) => {
    const change = await applyRosterEvent(tx as unknown as Transaction<RosterTables>, event);
    await reactions.onChange(tx, change);
    await reactions.afterBatch(tx);
  });
}

/** Seeds a provider through the provider projection's repository (what the consumer calls). */
export async function seedProvider(service: AccountsService, companyId: string, overrides: Partial<ProviderSnapshot> = {}): Promise<ProviderSnapshot> {
  const snapshot: ProviderSnapshot = {
    companyId,
    providerId: randomUUID(),
    name: `App ${randomUUID().slice(0, 6)}`,
    logoUrl: null,
    provisioningAssigneeId: 'admin-1',
    deprovisioningAssigneeId: 'admin-1',
    archived: false,
    version: 1,
    ...overrides,
  };
  await service.runtime.db.transaction((tx) => createProviderRepository().save(tx, snapshot));
  return snapshot;
}

/** Every event published on a stream of the test namespace, from the start, parsed. */
export async function collectEvents(broker: Broker, stream: StreamName) {
  const events: CloudEvent<Record<string, unknown>>[] = [];
  const consumer = await broker.js.consumers.get(broker.ns.stream(stream), { deliver_policy: DeliverPolicy.All });
  const messages = await consumer.consume();
  void (async () => {
    for await (const msg of messages) events.push(msg.json<CloudEvent<Record<string, unknown>>>());
  })();
  return {
    events,
    ofType: (type: string) => events.filter((event) => event.type === type),
    stop: () => messages.close(),
  };
}
