import { randomUUID } from 'node:crypto';
import type { Kysely, Transaction } from 'kysely';
import { createWorkLoop, type ConsumerLogger } from '@provisio/messaging';
import { endSpans, runInSpan, startSpanInTrace, traceparentOf, type Span } from '@provisio/telemetry';
import { emitNotificationChanged } from '../notifications/notification-changes.js';
import type { NotificationsDb } from '../tables.js';
import { planEmployee, type EmployeePlan } from './stacking-plan.js';
import { accountKey, employeeKey, type Claimed, type Employee, type StackingRepository } from './stacking-repository.js';

export interface StackerOptions {
  db: { kysely: Kysely<NotificationsDb>; transaction<R>(fn: (tx: Transaction<NotificationsDb>) => Promise<R>): Promise<R> };
  repo: StackingRepository;
  logger: ConsumerLogger;
  /** Events stacked per transaction at most. */
  batchSize?: number;
  /** How often it looks for work when nothing woke it (events recorded by another instance, a missed kick). */
  pollIntervalMs?: number;
}

export interface Stacker {
  start(): void;
  /** Work is waiting (an event was recorded): stack it now. */
  kick(): void;
  /** Finishes the batch in hand and stops. */
  stop(): Promise<void>;
  /** Stacks everything recorded so far; resolves when nothing is left. */
  drain(): Promise<void>;
  /** Counters since start, for metrics and the benchmark. */
  readonly stats: { batches: number; events: number; failedBatches: number };
}

/**
 * Applies recorded status events to notifications in batches: one transaction claims up to `batchSize`
 * events (rows locked, other stackers skip them), locks their employees, plans each employee's changes in
 * memory (stacking-plan.ts), writes them in bulk and emits one `notification.changed` per notification
 * changed. A batch that fails is retried one employee at a time, so one employee's problem never holds
 * up the others; an employee failing MAX_STACK_ATTEMPTS times is left aside with its error and logged.
 */
export function createStacker({ db, repo, logger, batchSize = 500, pollIntervalMs = 1_000 }: StackerOptions): Stacker {
  const stats = { batches: 0, events: 0, failedBatches: 0 };

  /**
   * Traces a batch: a span for the batch (its queries run under it), and for each event a span in the event's
   * own trace (the hire's), linked to the batch span; an employee's first event's span is the employee's (its
   * announcements are sent in it, a notification opened here keeps its trace for the completion). The caller
   * ends the spans, after the commit.
   */
  function traceBatch(claimed: readonly Claimed[], spans: Span[]): { batchSpan: Span; spanOf: Map<string, Span> } {
    const batchSpan = startSpanInTrace('stack notifications', null, { attributes: { 'provisio.stack.events': claimed.length } });
    spans.push(batchSpan);
    const spanOf = new Map<string, Span>();
    for (const row of claimed) {
      const span = startSpanInTrace('stack account.status_changed', row.traceParent, {
        attributes: { 'provisio.company.id': row.companyId, 'provisio.employee.id': row.employeeId, 'provisio.provider.id': row.providerId },
        links: [{ context: batchSpan.spanContext() }],
      });
      spans.push(span);
      if (!spanOf.has(employeeKey(row))) spanOf.set(employeeKey(row), span);
    }
    return { batchSpan, spanOf };
  }

  async function stack(tx: Transaction<NotificationsDb>, claimed: Claimed[], spans: Span[]): Promise<number> {
    if (claimed.length === 0) return 0;
    const { batchSpan, spanOf } = traceBatch(claimed, spans);
    return runInSpan(batchSpan, () => stackTraced(tx, claimed, spanOf));
  }

  async function stackTraced(tx: Transaction<NotificationsDb>, claimed: Claimed[], spanOf: Map<string, Span>): Promise<number> {
    const employees = new Map<string, Employee>();
    const accounts = new Map<string, Claimed>();
    for (const row of claimed) {
      employees.set(employeeKey(row), { companyId: row.companyId, employeeId: row.employeeId });
      if (!accounts.has(accountKey(row))) accounts.set(accountKey(row), row);
    }
    await repo.lockEmployees(tx, [...employees.values()]);
    const events = await repo.accountEvents(tx, [...accounts.values()]);
    const models = await repo.loadEmployees(tx, [...employees.values()]);

    const planned: (Employee & { model: NonNullable<ReturnType<typeof models.get>>; changes: EmployeePlan['changes']; traceParent: string | null })[] = [];
    for (const [key, employee] of employees) {
      const model = models.get(key)!;
      // Accounts in the order their news arrived.
      const ofEmployee = [...accounts.values()].filter((account) => employeeKey(account) === key);
      const plan = planEmployee(
        model,
        ofEmployee.map((account) => ({ providerId: account.providerId, events: events.get(accountKey(account)) ?? [] })),
        randomUUID,
      );
      if (plan.outcomes.length > 0) logger.debug({ ...employee, outcomes: plan.outcomes }, 'requests stacked');
      planned.push({ ...employee, model, changes: plan.changes, traceParent: spanOf.has(key) ? traceparentOf(spanOf.get(key)!) : null });
    }

    await repo.write(tx, planned);
    for (const { companyId, employeeId, changes } of planned) {
      // Announced in the employee's trace (the hire's), like the stacking itself.
      const span = spanOf.get(employeeKey({ companyId, employeeId }))!;
      for (const { notification, pending: pendingItems, change } of changes) {
        await runInSpan(span, () => emitNotificationChanged(
          tx,
          {
            id: notification.id,
            company_id: companyId,
            assignee_id: notification.assigneeId,
            employee_id: employeeId,
            state: notification.state,
            version: notification.version,
            pending: pendingItems,
          },
          change,
        ));
      }
    }
    await repo.markStacked(tx, claimed.map((row) => row.seq));
    return claimed.length;
  }

  /** One batch; on failure, the same work employee by employee. Returns how many events it claimed. */
  async function batch(): Promise<number> {
    let claimedRows: Claimed[] = [];
    const spans: Span[] = [];
    try {
      const stacked = await db.transaction(async (tx) => {
        claimedRows = await repo.claim(tx, batchSize);
        return stack(tx, claimedRows, spans);
      });
      endSpans(spans);
      if (stacked > 0) {
        stats.batches += 1;
        stats.events += stacked;
      }
      return stacked;
    } catch (error) {
      endSpans(spans, error);
      stats.failedBatches += 1;
      const employees = new Map(claimedRows.map((row) => [employeeKey(row), { companyId: row.companyId, employeeId: row.employeeId }]));
      if (employees.size === 0) throw error;
      logger.warn({ err: error, employees: employees.size }, 'stacking batch failed; retrying employee by employee');
      for (const employee of employees.values()) {
        let mine: Claimed[] = [];
        const employeeSpans: Span[] = [];
        try {
          await db.transaction(async (tx) => {
            mine = await repo.claim(tx, batchSize, employee);
            await stack(tx, mine, employeeSpans);
          });
          endSpans(employeeSpans);
        } catch (employeeError) {
          endSpans(employeeSpans, employeeError);
          const reason = employeeError instanceof Error ? employeeError.message : String(employeeError);
          logger.error({ err: employeeError, ...employee, events: mine.length }, 'stacking an employee failed');
          if (mine.length > 0) await db.transaction((tx) => repo.recordFailure(tx, mine.map((row) => row.seq), reason)).catch(() => undefined);
        }
      }
      return claimedRows.length;
    }
  }

  async function drain(): Promise<void> {
    while ((await batch()) >= batchSize) {
      // a full batch: there may be more
    }
  }

  const loop = createWorkLoop({
    work: drain,
    pollIntervalMs,
    onError: (error, failures) => logger.error({ err: error, failures }, 'stacking failed; will retry'),
  });

  return {
    start: () => loop.start(),
    kick: () => loop.wake(),
    stop: () => loop.stop(),
    drain,
    stats,
  };
}
