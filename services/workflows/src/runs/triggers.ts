import { sql, type Transaction } from 'kysely';
import { employeeHired, employeeTerminated, type EmployeeHired, type EmployeeTerminated } from '@provisio/contracts';
import { eventKey, type CloudEvent } from '@provisio/messaging';
import type { RosterChange, RosterEmployee } from '@provisio/roster';
import { triggerEventOf, type WorkflowKind } from '../definitions/definition.js';
import type { DefinitionRepository } from '../definitions/repository.js';
import { anyTriggerMatches } from '../definitions/trigger-match.js';
import type { WorkflowsDb } from '../tables.js';
import type { StartRun } from './run-starter.js';

/** Who starts automatic runs, as recorded on the run and in `workflow.task.started`. */
export const SYSTEM_ACTOR = 'system';

interface LifecycleEvent {
  event_key: string;
  type: string;
  data: unknown;
  effective_at: Date;
}

/**
 * An employee's hires and terminations in their true order: the order the roster projection folds them in
 * (effective time, a hire before a termination at the same instant, then arrival).
 */
async function lifecycleOf(tx: Transaction<WorkflowsDb>, companyId: string, employeeId: string): Promise<LifecycleEvent[]> {
  return tx
    .selectFrom('roster_events')
    .select(['event_key', 'type', 'data', 'effective_at'])
    .where('company_id', '=', companyId)
    .where('employee_id', '=', employeeId)
    .where('type', 'in', [employeeHired.type, employeeTerminated.type])
    .orderBy('effective_at')
    .orderBy(sql`case when type = ${employeeHired.type} then 0 else 1 end`)
    .orderBy('received_seq')
    .execute();
}

/**
 * Starts runs from the roster: the roster lib's `onChange`, in the transaction that recorded the HR event,
 * so a run starts at most once per event whatever the redeliveries.
 *
 * HR events can arrive out of order, so the decision is taken on the employee's history in its true order,
 * not on the event alone. Let `current` be the latest hire or termination and `previous` the one before it:
 * - provisioning starts for `current` when it is a hire that opens an employment (nothing or a termination
 *   before it) and it is the event being handled. A hire that is already followed by a termination (it
 *   arrived late) starts nothing: the person has left. A second hire without a termination between is a
 *   repeat of the first, not a rehire.
 * - deprovisioning starts for `current` when it is a termination that ends an employment (a hire before it)
 *   and the event handled is that termination or that hire: a termination that arrived before its hire
 *   starts its runs when the hire arrives. A termination superseded by a later rehire starts nothing.
 * A run remembers the HR event it started for; a unique (workflow, event, employee) makes repeats no-ops.
 */
export function createTriggers(deps: { definitions: Pick<DefinitionRepository, 'findTriggering'>; startRun: StartRun; logger: { warn(obj: object, msg: string): void } }) {
  // The published workflows a transaction has read, by company and kind: a roster batch of thousands of hires
  // asks once (a workflow published meanwhile applies from the next batch).
  const triggering = new WeakMap<Transaction<WorkflowsDb>, Map<string, ReturnType<typeof deps.definitions.findTriggering>>>();
  function findTriggering(tx: Transaction<WorkflowsDb>, companyId: string, kind: WorkflowKind) {
    let read = triggering.get(tx);
    if (!read) triggering.set(tx, (read = new Map()));
    const key = JSON.stringify([companyId, kind]);
    let candidates = read.get(key);
    if (!candidates) read.set(key, (candidates = deps.definitions.findTriggering(tx, companyId, kind)));
    return candidates;
  }

  async function startFor(tx: Transaction<WorkflowsDb>, kind: WorkflowKind, lifecycle: LifecycleEvent, employee: RosterEmployee): Promise<void> {
    const data = lifecycle.data as EmployeeHired | EmployeeTerminated;
    const named = new Set(data.workflowIds ?? []);
    const candidates = await findTriggering(tx, employee.companyId, kind);
    const on = triggerEventOf(kind);
    for (const id of named) {
      if (!candidates.some((candidate) => candidate.workflow.id === id)) {
        deps.logger.warn({ companyId: employee.companyId, employeeId: employee.id, workflowId: id, kind }, 'HR event names a workflow that is not a published workflow of this kind; skipped');
      }
    }
    for (const candidate of candidates) {
      if (!named.has(candidate.workflow.id) && !anyTriggerMatches(candidate.version.triggers, on, employee)) continue;
      await deps.startRun(tx, {
        workflow: candidate,
        employee,
        trigger: on,
        triggerKey: lifecycle.event_key,
        triggerAt: new Date(lifecycle.effective_at),
        immediate: kind === 'deprovisioning' && (data as EmployeeTerminated).immediate === true,
        actorId: SYSTEM_ACTOR,
      });
    }
  }

  return async function onRosterChange(tx: Transaction<WorkflowsDb>, change: RosterChange, event: CloudEvent<unknown>): Promise<void> {
    if (event.type !== employeeHired.type && event.type !== employeeTerminated.type) return;
    if (!change.after) return;
    const history = await lifecycleOf(tx, change.companyId, change.employeeId);
    const current = history.at(-1);
    const previous = history.at(-2);
    if (!current) return;
    const handled = eventKey(event);
    if (current.type === employeeHired.type) {
      if (current.event_key !== handled || previous?.type === employeeHired.type) return;
      await startFor(tx, 'provisioning', current, change.after);
    } else {
      if (previous?.type !== employeeHired.type) return;
      if (handled !== current.event_key && handled !== previous.event_key) return;
      await startFor(tx, 'deprovisioning', current, change.after);
    }
  };
}
