import { randomUUID } from 'node:crypto';
import type { Transaction } from 'kysely';
import type { AccountStatusChanged } from '@provisio/contracts';
import type { ConsumerLogger } from '@provisio/messaging';
import { endSpans, runInSpan, startSpanInTrace, traceparentOf, type Span } from '@provisio/telemetry';
import { emitNotificationsChanged } from '../notifications/notification-changes.js';
import type { NotificationsDb } from '../tables.js';
import { planEmployee, type EmployeePlan } from './stacking-plan.js';
import { accountKey, employeeKey, type Account, type Employee, type StackingRepository } from './stacking-repository.js';

/** A status event to stack, with the consumer span it arrived in (the hire's trace). */
export interface ArrivedEvent {
  event: AccountStatusChanged;
  span: Span;
}

export interface Stacker {
  /**
   * Records the events in the account history and stacks them into their employees' notifications, in the
   * caller's transaction (the consumer's batch, which marks them processed in the same commit).
   */
  stack(tx: Transaction<NotificationsDb>, arrived: readonly ArrivedEvent[]): Promise<void>;
  /** Counters since start, for metrics and the benchmark. */
  readonly stats: { batches: number; events: number };
}

/**
 * Applies status events to notifications, a batch at a time: records them in the history (`account_events`,
 * a version already seen is kept once), locks their employees (key order, so two instances never wait on each
 * other in a circle), loads the employees' notifications, plans each employee's changes in memory from the
 * whole history of the accounts concerned (stacking-plan.ts, so order and repeats do not matter), writes
 * them in bulk and emits one `notification.changed` per notification changed.
 *
 * It runs in the consumer's transaction: a batch that fails rolls back whole and the consumer applies its
 * events again one at a time, so one employee's problem never holds up the others (the failing event is
 * retried with backoff, then dead-lettered).
 */
export function createStacker({ repo, logger }: { repo: StackingRepository; logger: ConsumerLogger }): Stacker {
  const stats = { batches: 0, events: 0 };

  /**
   * Traces a batch: a span for the batch (its queries run under it), and for each event a span in the event's
   * own trace (the hire's), linked to the batch span; an employee's first event's span is the employee's (its
   * announcements are sent in it, a notification opened here keeps its trace for the completion).
   */
  function traceBatch(arrived: readonly ArrivedEvent[], spans: Span[]): { batchSpan: Span; spanOf: Map<string, Span> } {
    const batchSpan = startSpanInTrace('stack notifications', null, { attributes: { 'provisio.stack.events': arrived.length } });
    spans.push(batchSpan);
    const spanOf = new Map<string, Span>();
    for (const { event, span: consumed } of arrived) {
      const span = startSpanInTrace('stack account.status_changed', traceparentOf(consumed), {
        attributes: { 'provisio.company.id': event.companyId, 'provisio.employee.id': event.employeeId, 'provisio.provider.id': event.providerId },
        links: [{ context: batchSpan.spanContext() }],
      });
      spans.push(span);
      if (!spanOf.has(employeeKey(event))) spanOf.set(employeeKey(event), span);
    }
    return { batchSpan, spanOf };
  }

  async function stackAccounts(tx: Transaction<NotificationsDb>, arrived: readonly ArrivedEvent[], spanOf: Map<string, Span>): Promise<void> {
    const employees = new Map<string, Employee>();
    // Each employee's accounts, in the order their news arrived.
    const accountsOf = new Map<string, Map<string, Account>>();
    for (const { event } of arrived) {
      const key = employeeKey(event);
      if (!employees.has(key)) {
        employees.set(key, { companyId: event.companyId, employeeId: event.employeeId });
        accountsOf.set(key, new Map());
      }
      const accounts = accountsOf.get(key)!;
      if (!accounts.has(event.providerId)) accounts.set(event.providerId, { companyId: event.companyId, employeeId: event.employeeId, providerId: event.providerId });
    }
    await repo.lockEmployees(tx, [...employees.values()]);
    // Recorded and read under the locks: every event committed before, by any instance, is in the history.
    const events = await repo.recordAndReadHistory(
      tx,
      arrived.map(({ event }) => event),
      [...accountsOf.values()].flatMap((accounts) => [...accounts.values()]),
    );
    const models = await repo.loadEmployees(tx, [...employees.values()]);

    const planned: (Employee & { model: NonNullable<ReturnType<typeof models.get>>; changes: EmployeePlan['changes']; traceParent: string | null })[] = [];
    for (const [key, employee] of employees) {
      const model = models.get(key)!;
      const plan = planEmployee(
        model,
        [...accountsOf.get(key)!.values()].map((account) => ({ providerId: account.providerId, events: events.get(accountKey(account)) ?? [] })),
        randomUUID,
      );
      if (plan.outcomes.length > 0) logger.debug({ ...employee, outcomes: plan.outcomes }, 'requests stacked');
      planned.push({ ...employee, model, changes: plan.changes, traceParent: spanOf.has(key) ? traceparentOf(spanOf.get(key)!) : null });
    }

    await repo.write(tx, planned);
    // Each employee's notifications are announced in the employee's trace (the hire's), like the stacking itself.
    await emitNotificationsChanged(
      tx,
      planned.flatMap(({ companyId, employeeId, changes }) =>
        changes.map(({ notification, pending, change }) => ({
          notification: {
            id: notification.id,
            company_id: companyId,
            assignee_id: notification.assigneeId,
            employee_id: employeeId,
            state: notification.state,
            version: notification.version,
            pending,
          },
          change,
          span: spanOf.get(employeeKey({ companyId, employeeId })),
        })),
      ),
    );
  }

  return {
    stats,
    async stack(tx, arrived) {
      if (arrived.length === 0) return;
      const spans: Span[] = [];
      try {
        const { batchSpan, spanOf } = traceBatch(arrived, spans);
        await runInSpan(batchSpan, () => stackAccounts(tx, arrived, spanOf));
      } catch (error) {
        // The batch failed, not (as far as is known) each of its events: the batch span carries the error.
        endSpans(spans.slice(0, 1), error);
        endSpans(spans.slice(1));
        throw error;
      }
      endSpans(spans);
      stats.batches += 1;
      stats.events += arrived.length;
    },
  };
}
