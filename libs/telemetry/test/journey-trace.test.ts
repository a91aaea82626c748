import { randomUUID } from 'node:crypto';
import { SpanKind } from '@opentelemetry/api';
import { InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createAccountsService, accountsConfigSchema } from '@provisio/accounts';
import { createGateway, gatewayConfigSchema, type Gateway } from '@provisio/gateway';
import { createNotificationsService, notificationsConfigSchema } from '@provisio/notifications';
import { createProvidersService, providersConfigSchema } from '@provisio/providers';
import { createLogger, loadConfig } from '@provisio/service-kit';
import { anEmployee, bearer, connectTestBroker, createTestDatabase, testEnv, testNamespace, waitFor, type TestDatabase } from '@provisio/testing';
import { createWorkflowsService, workflowsConfigSchema } from '@provisio/workflows';
import { registerBusinessGauges, startTelemetry, type GaugeDefinition, type Telemetry } from '../src/index.js';
// The business gauges each service's server.ts registers.
import { accountsGauges } from '../../../services/accounts/src/operator-metrics.js';
import { notificationsGauges } from '../../../services/notifications/src/operator-metrics.js';
import { workflowsGauges } from '../../../services/workflows/src/operator-metrics.js';

interface Running {
  app: { listen(options: { host: string; port: number }): Promise<string> };
  runtime?: { db: { kysely: never } };
  start(): Promise<void>;
  close(): Promise<void>;
}

const company = `acme-${randomUUID().slice(0, 6)}`;
const ada = anEmployee({ id: `ada-${randomUUID().slice(0, 6)}`, accessLevel: 'admin', department: 'IT' });
const eve = anEmployee({ id: `eve-${randomUUID().slice(0, 6)}`, department: 'Engineering' });
const hrEvent = (data: object) => ({ specversion: '1.0', id: randomUUID(), source: 'trace-hris', type: 'hr.employee.hired', time: new Date().toISOString(), data });

// The whole system in one process (each service on its own database and port, the gateway in front), so one
// in-memory exporter sees every span of a hire, and one scrape every service's gauges.
describe('a hire, as an operator sees it', () => {
  const exporter = new InMemorySpanExporter();
  let telemetry: Telemetry;
  const ns = testNamespace();
  const databases: TestDatabase[] = [];
  const services: Running[] = [];
  let gateway: Gateway;
  let asAda: string;
  let asHris: string;
  let unregisterGauges: () => void = () => undefined;

  beforeAll(async () => {
    telemetry = startTelemetry({ serviceName: 'journey', config: { METRICS_HOST: '127.0.0.1' }, spanProcessors: [new SimpleSpanProcessor({ exporter })] });
    const logger = createLogger({ name: 'journey', level: 'silent' });
    const env = testEnv(ns);
    const urls: Record<string, string> = {};
    const gauges: Record<string, (db: never) => GaugeDefinition[]> = { accounts: accountsGauges, workflows: workflowsGauges, notifications: notificationsGauges };
    const business: GaugeDefinition[] = [];
    const starts = [
      ['providers', (db: string) => createProvidersService(loadConfig(providersConfigSchema, { ...env, PROVIDERS_DATABASE_URL: db }), logger)],
      ['accounts', (db: string) => createAccountsService(loadConfig(accountsConfigSchema, { ...env, ACCOUNTS_DATABASE_URL: db }), logger)],
      ['workflows', (db: string) => createWorkflowsService(loadConfig(workflowsConfigSchema, { ...env, WORKFLOWS_DATABASE_URL: db }), logger)],
      ['notifications', (db: string) => createNotificationsService(loadConfig(notificationsConfigSchema, { ...env, NOTIFICATIONS_DATABASE_URL: db }), logger)],
    ] as const;
    await Promise.all(
      starts.map(async ([name, create]) => {
        const database = await createTestDatabase(`trace_${name}`);
        databases.push(database);
        const service = (await create(database.url)) as unknown as Running;
        services.push(service);
        if (gauges[name]) business.push(...gauges[name](service.runtime!.db.kysely));
        await service.start();
        urls[`${name.toUpperCase()}_URL`] = await service.app.listen({ host: '127.0.0.1', port: 0 });
      }),
    );
    unregisterGauges = registerBusinessGauges(business);
    gateway = await createGateway(loadConfig(gatewayConfigSchema, { ...env, ...urls }), logger);
    await gateway.start();
    asAda = await bearer(ada.id, company, 'admin');
    asHris = await bearer('hris', company, 'integration');
  }, 120_000);

  afterAll(async () => {
    unregisterGauges();
    await gateway?.close();
    await Promise.all(services.map((service) => service.close()));
    const broker = await connectTestBroker(ns);
    await broker.cleanup();
    await Promise.all(databases.map((database) => database.drop()));
    await telemetry?.shutdown();
  });

  async function api(method: string, url: string, auth: string, payload?: unknown) {
    const response = await gateway.app.inject({ method: method as 'GET', url, headers: { authorization: auth }, ...(payload === undefined ? {} : { payload: payload as object }) });
    return { status: response.statusCode, body: response.body ? (JSON.parse(response.body) as Record<string, unknown>) : {} };
  }

  /** Retries until the answer has `status` (projections fill from events, a moment after the write). */
  function until(status: number, method: string, url: string, auth: string, payload?: unknown) {
    return waitFor(async () => {
      const response = await api(method, url, auth, payload);
      return response.status === status ? response.body : undefined;
    }, { what: `${method} ${url} to answer ${status}`, timeoutMs: 30_000 });
  }

  const hireTrace = randomUUID().replace(/-/g, '');
  const spansOf = (traceId: string) => exporter.getFinishedSpans().filter((span) => span.spanContext().traceId === traceId);
  const consumeSpans = (traceId: string) =>
    exporter.getFinishedSpans().filter((span) => span.kind === SpanKind.CONSUMER && span.spanContext().traceId === traceId);
  const consumerOf = (span: ReadableSpan) => String(span.attributes['messaging.consumer.group.name']);

  function ancestry(span: ReadableSpan): ReadableSpan[] {
    const byId = new Map(exporter.getFinishedSpans().map((each) => [each.spanContext().spanId, each]));
    const chain = [span];
    for (let parent = span.parentSpanContext?.spanId; parent && byId.has(parent); parent = byId.get(parent)!.parentSpanContext?.spanId) chain.push(byId.get(parent)!);
    return chain;
  }

  // One hire is one trace: the gateway's request that took the HR event, its publish, the workflows consumer
  // that started the run, the accounts consumer that opened the request, the notifications consumer that took
  // it, and the stacking of it into the assignee's notification, each the descendant of the one before.
  it('follows a hire from the gateway through workflows and accounts to the stacked notification', async () => {
    expect((await api('POST', '/v1/hr/events', asHris, hrEvent({ companyId: company, employee: ada }))).status).toBe(202);
    const slack = await until(201, 'POST', '/v1/providers', asAda, { name: 'Slack', provisioning: { assigneeId: ada.id }, deprovisioning: { assigneeId: ada.id } });
    const workflow = await until(201, 'POST', '/v1/workflows', asAda, {
      name: 'Engineering onboarding',
      kind: 'provisioning',
      tasks: [{ title: 'Apps', providerIds: [slack.id] }],
      triggers: [{ on: 'hire', match: { department: ['Engineering'] } }],
    });
    expect((await api('POST', `/v1/workflows/${String(workflow.id)}/publish`, asAda)).status).toBe(200);

    const hire = await gateway.app.inject({
      method: 'POST',
      url: '/v1/hr/events',
      headers: { authorization: asHris, traceparent: `00-${hireTrace}-00f067aa0ba902b7-01` },
      payload: hrEvent({ companyId: company, employee: eve }),
    });
    expect(hire.statusCode).toBe(202);

    // The stacking span ends inside the consumer's transaction, its consumer span after the commit: wait for
    // the whole chain back to the hire's request.
    const chain = await waitFor(
      () => {
        const stacking = spansOf(hireTrace).find((span) => span.name === 'stack account.status_changed');
        const found = stacking && ancestry(stacking);
        return found?.at(-1)?.attributes['http.route'] === '/v1/hr/events' ? found : undefined;
      },
      { what: 'the stacking of the request in the hire trace, back to the hire', timeoutMs: 30_000 },
    );
    const stacking = chain[0]!;
    const consumers = chain.filter((span) => span.kind === SpanKind.CONSUMER).map(consumerOf);
    expect(consumers).toEqual(['notifications-accounts', 'accounts-workflow-tasks', 'workflows-roster']);
    const root = chain.at(-1)!;
    expect(root.attributes['http.route']).toBe('/v1/hr/events');
    expect(root.parentSpanContext?.spanId).toBe('00f067aa0ba902b7');
    // The stacker works in batches: its span for this request is linked to the batch's span.
    const batch = exporter.getFinishedSpans().find((span) => span.spanContext().spanId === stacking.links[0]?.context.spanId);
    expect(batch?.name).toBe('stack notifications');
    // Every consumer in the trace is a descendant of that request.
    for (const span of consumeSpans(hireTrace)) expect(ancestry(span).at(-1)).toBe(root);
  });

  // The figures on an operator's dashboard follow the hire: a request is open, a run is running, a
  // notification waits; nobody who left still holds access.
  it('reports the business figures of the hire', async () => {
    const scrape = async () => (await gateway.app.inject({ method: 'GET', url: '/metrics' })).body;
    const value = (text: string, series: string) => Number(new RegExp(`^${series}\\{[^}]*\\} (\\S+)$`, 'm').exec(text)?.[1]);
    const unreadNotification = /^provisio_notifications_open\{[^}]*read="false"[^}]*\} 1$/m;
    // The notification is stacked a moment after its request is recorded.
    const text = await waitFor(async () => {
      const body = await scrape();
      return unreadNotification.test(body) ? body : undefined;
    }, { what: 'the unread notification in the gauges' });
    expect(text).toMatch(/^provisio_accounts_open_requests\{[^}]*status="provisioning_requested"[^}]*\} 1$/m);
    expect(text).toMatch(/^provisio_accounts_open_requests\{[^}]*status="deprovisioning_requested"[^}]*\} 0$/m);
    expect(value(text, 'provisio_accounts_risks')).toBe(0);
    expect(value(text, 'provisio_workflows_running_runs')).toBe(1);
    expect(value(text, 'provisio_workflows_overdue_tasks')).toBe(0);
  });

  // Completing the stacked notification carries out what the hire asked for, so it continues the hire's trace:
  // a "complete notification" span (linked to the assignee's own request), the gateway's HTTP call to accounts,
  // the accounts route that changed the account, and the consumers of the change under it.
  it('follows the completion from the gateway through accounts to the consumers of the change, in the hire trace', async () => {
    const notification = await waitFor(async () => {
      const list = await api('GET', '/v1/notifications?state=open', asAda);
      return (list.body.items as { id: string; employee: { id: string } }[] | undefined)?.find((each) => each.employee.id === eve.id);
    }, { what: 'the stacked notification', timeoutMs: 30_000 });

    const requestTrace = randomUUID().replace(/-/g, '');
    const completed = await gateway.app.inject({
      method: 'POST',
      url: `/v1/notifications/${notification.id}/complete`,
      headers: { authorization: asAda, traceparent: `00-${requestTrace}-b7ad6b7169203331-01` },
      payload: {},
    });
    expect(completed.statusCode).toBe(200);

    const completion = await waitFor(
      () => spansOf(hireTrace).find((span) => span.name === 'complete notification'),
      { what: 'the completion in the hire trace', timeoutMs: 30_000 },
    );
    expect(completion.attributes['provisio.notification.id']).toBe(notification.id);
    // The request that opened the account request was consumed by workflows too, also in this trace: the
    // consumer of the change is the one under the completion.
    const runs = await waitFor(
      () => consumeSpans(hireTrace).find((span) => consumerOf(span) === 'workflows-accounts' && ancestry(span).includes(completion)),
      { what: 'the workflows consumer of the account change under the completion', timeoutMs: 30_000 },
    );
    const chain = ancestry(runs);
    // (The completion is an ancestor, so the chain is whole back to it; above it, the hire's spans ended long ago.)
    // On the way: the gateway's HTTP call (client) and the accounts route that changed the account (server).
    expect(chain.some((span) => span.kind === SpanKind.CLIENT)).toBe(true);
    expect(chain.filter((span) => span.kind === SpanKind.SERVER).map((span) => span.attributes['http.route'])).toEqual(
      expect.arrayContaining([expect.stringMatching(/^\/v1\/accounts\/batch$/)]),
    );
    // It is linked to the assignee's request, which stays a trace of its own (the gateway's route).
    const request = exporter.getFinishedSpans().find((span) => span.spanContext().spanId === completion.links[0]?.context.spanId);
    expect(request?.spanContext().traceId).toBe(requestTrace);
    expect(String(ancestry(request!).at(-1)!.attributes['http.route'])).toMatch(/^\/v1\/notifications\/:\w+\/complete$/);
    // And the hire's journey ends in the same trace: the done items stacked, back at the hire's request.
    await waitFor(
      () => spansOf(hireTrace).filter((span) => span.name === 'stack account.status_changed' && ancestry(span).includes(completion)).length > 0 || undefined,
      { what: 'the stacking of the done item under the completion', timeoutMs: 30_000 },
    );
    expect(chain.at(-1)!.attributes['http.route']).toBe('/v1/hr/events');
  });
});
