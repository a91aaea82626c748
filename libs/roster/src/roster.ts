import { sql, type Kysely, type Transaction } from 'kysely';
import { fileURLToPath } from 'node:url';
import { employeeHired, employeeTerminated, employeeUpdated } from '@provisio/contracts';
import { pgArray, type MigrationSet } from '@provisio/db';
import { eventKey, inTurns, type BatchItem, type CloudEvent, type Consumer } from '@provisio/messaging';
import { runInSpan } from '@provisio/telemetry';
import { effectiveAt, foldRoster, type RosterEmployee, type RosterEvent } from './fold.js';
import type { RosterEmployeesTable, RosterTables } from './tables.js';

export const rosterMigrations: MigrationSet = {
  name: 'roster',
  dir: fileURLToPath(new URL('../migrations', import.meta.url)),
};

/** What one event changed: the employee before and after (undefined while no hire is known). */
export interface RosterChange {
  companyId: string;
  employeeId: string;
  before: RosterEmployee | undefined;
  after: RosterEmployee | undefined;
}

type Db = Kysely<RosterTables> | Transaction<RosterTables>;

export function toRosterEmployee(row: Omit<RosterEmployeesTable, 'updated_at'>): RosterEmployee {
  return {
    companyId: row.company_id,
    id: row.id,
    firstName: row.first_name,
    lastName: row.last_name,
    email: row.email,
    department: row.department,
    jobTitle: row.job_title,
    location: row.location,
    managerId: row.manager_id,
    accessLevel: row.access_level,
    status: row.status,
    startDate: row.start_date,
    terminationDate: row.termination_date,
  };
}

export async function findRosterEmployee(db: Db, companyId: string, employeeId: string): Promise<RosterEmployee | undefined> {
  const row = await db
    .selectFrom('roster_employees')
    .selectAll()
    .where('company_id', '=', companyId)
    .where('id', '=', employeeId)
    .executeTakeFirst();
  return row ? toRosterEmployee(row) : undefined;
}

/** A Full Access Admin: active and `accessLevel: admin`. */
export async function isActiveAdmin(db: Db, companyId: string, employeeId: string): Promise<boolean> {
  const employee = await findRosterEmployee(db, companyId, employeeId);
  return employee?.status === 'active' && employee.accessLevel === 'admin';
}

function employeeIdOf(event: RosterEvent): string {
  return event.type === 'hr.employee.terminated' ? event.data.employeeId : event.data.employee.id;
}

/**
 * Records one HR event and recomputes the employee from every event seen so far. Events of one employee are
 * applied one at a time (a transaction-level advisory lock), and a repeated event changes nothing.
 */
export async function applyRosterEvent(tx: Transaction<RosterTables>, cloudEvent: CloudEvent<RosterEvent['data']>): Promise<RosterChange> {
  return (await applyRosterEvents(tx, [cloudEvent]))[0]!;
}

const personKey = (companyId: string, employeeId: string) => JSON.stringify([companyId, employeeId]);

/**
 * Records HR events and recomputes their employees, many at once: one change per event, in the order given,
 * as if they had been applied one after the other. The employees are locked first (in lock-id order, so two
 * transactions never wait on each other in a circle); then in turns (the first event of each employee, then
 * the second of each, …) each turn reads, records, reads back and writes with one statement of each kind.
 * `afterEach` is called for each event of a turn once the turn is written, before the next: what it reads of
 * that employee is what applying the events one by one would have left at that point.
 */
export async function applyRosterEvents(
  tx: Transaction<RosterTables>,
  cloudEvents: readonly CloudEvent<RosterEvent['data']>[],
  afterEach?: (change: RosterChange, index: number) => Promise<void>,
): Promise<RosterChange[]> {
  const received = cloudEvents.map((cloudEvent, index) => {
    const event = { type: cloudEvent.type, data: cloudEvent.data } as RosterEvent;
    return { index, cloudEvent, event, companyId: event.data.companyId, employeeId: employeeIdOf(event) };
  });
  const lockKeys = [...new Set(received.map(({ companyId, employeeId }) => `roster:${companyId}:${employeeId}`))];
  await sql`select pg_advisory_xact_lock(id) from (select distinct hashtext(k) as id from unnest(${pgArray(lockKeys)}::text[]) as k order by 1) as locks`.execute(tx);

  const changes = new Map<(typeof received)[number], RosterChange>();
  for (const turn of inTurns(received, (item) => personKey(item.companyId, item.employeeId))) {
    // The turn's people, as (company, employee) pairs in SQL.
    const pairs = sql`(select * from unnest(${pgArray(turn.map((item) => item.companyId))}::text[], ${pgArray(turn.map((item) => item.employeeId))}::text[]))`;
    const beforeRows = await tx.selectFrom('roster_employees').selectAll().where(sql<boolean>`(company_id, id) in ${pairs}`).execute();
    const before = new Map(beforeRows.map((row) => [personKey(row.company_id, row.id), toRosterEmployee(row)]));

    await tx
      .insertInto('roster_events')
      .values(
        turn.map(({ cloudEvent, event, companyId, employeeId }) => ({
          company_id: companyId,
          employee_id: employeeId,
          event_key: eventKey(cloudEvent),
          type: event.type,
          effective_at: effectiveAt(event, cloudEvent.time, new Date()),
          data: JSON.stringify(event.data),
        })),
      )
      .onConflict((oc) => oc.doNothing())
      .execute();

    const stored = await tx
      .selectFrom('roster_events')
      .select(['company_id', 'employee_id', 'type', 'data', 'effective_at', 'received_seq'])
      .where(sql<boolean>`(company_id, employee_id) in ${pairs}`)
      .execute();
    const eventsOf = new Map<string, typeof stored>();
    for (const row of stored) {
      const key = personKey(row.company_id, row.employee_id);
      const list = eventsOf.get(key);
      if (list) list.push(row);
      else eventsOf.set(key, [row]);
    }

    const upserts: Omit<RosterEmployeesTable, 'updated_at'>[] = [];
    for (const item of turn) {
      const after = foldRoster(
        item.companyId,
        (eventsOf.get(personKey(item.companyId, item.employeeId)) ?? []).map((row) => ({
          event: { type: row.type, data: row.data } as RosterEvent,
          effectiveAt: new Date(row.effective_at),
          receivedSeq: Number(row.received_seq),
        })),
      );
      changes.set(item, { companyId: item.companyId, employeeId: item.employeeId, before: before.get(personKey(item.companyId, item.employeeId)), after });
      if (after) {
        upserts.push({
          company_id: item.companyId,
          id: item.employeeId,
          first_name: after.firstName,
          last_name: after.lastName,
          email: after.email,
          department: after.department,
          job_title: after.jobTitle,
          location: after.location,
          manager_id: after.managerId,
          access_level: after.accessLevel,
          status: after.status,
          start_date: after.startDate,
          termination_date: after.terminationDate,
        });
      }
    }
    if (upserts.length > 0) {
      await tx
        .insertInto('roster_employees')
        .values(upserts)
        .onConflict((oc) =>
          oc.columns(['company_id', 'id']).doUpdateSet((eb) => ({
            first_name: eb.ref('excluded.first_name'),
            last_name: eb.ref('excluded.last_name'),
            email: eb.ref('excluded.email'),
            department: eb.ref('excluded.department'),
            job_title: eb.ref('excluded.job_title'),
            location: eb.ref('excluded.location'),
            manager_id: eb.ref('excluded.manager_id'),
            access_level: eb.ref('excluded.access_level'),
            status: eb.ref('excluded.status'),
            start_date: eb.ref('excluded.start_date'),
            termination_date: eb.ref('excluded.termination_date'),
            updated_at: sql`now()`,
          })),
        )
        .execute();
    }
    if (afterEach) for (const item of turn) await afterEach(changes.get(item)!, item.index);
  }
  return received.map((item) => changes.get(item)!);
}

/**
 * How many HR events a roster consumer applies in one transaction (`batchSize` of its consumer). An import of
 * a whole company is a backlog of thousands of events: one commit each made it take minutes. A batch is applied
 * at once (`applyRosterEvents`), its reactions as if one by one, in delivery order.
 */
export const ROSTER_BATCH_SIZE = 200;

/**
 * Feeds the roster projection from the `HR` stream. `onChange` runs in the same transaction, so a service
 * can react to a hire or a termination (cancel requests, start workflows) exactly once. Give the consumer
 * `batchSize: ROSTER_BATCH_SIZE`.
 */
export function consumeRoster<DB extends RosterTables>(
  consumer: Consumer,
  onChange?: (tx: Transaction<DB>, change: RosterChange, event: CloudEvent<RosterEvent['data']>) => Promise<void>,
  /** Runs once a batch's events and reactions are done, in its transaction (to write what reactions collected). */
  afterBatch?: (tx: Transaction<DB>) => Promise<void>,
): Consumer {
  // One handler for the three types: the consumer hands it a batch's HR events together, in delivery order.
  const handler = async (items: BatchItem<RosterEvent['data']>[], tx: Transaction<unknown>) => {
    await applyRosterEvents(
      tx as Transaction<RosterTables>,
      items.map(({ event }) => event),
      // Each reaction as soon as its event is written (a later event of the same person is not yet), under
      // its own event's span (the hire's trace).
      onChange ? (change, index) => runInSpan(items[index]!.span, () => onChange(tx as Transaction<DB>, change, items[index]!.event)) : undefined,
    );
    await afterBatch?.(tx as Transaction<DB>);
  };
  return consumer.onBatch(employeeHired, handler).onBatch(employeeUpdated, handler).onBatch(employeeTerminated, handler);
}
