import { sql, type Kysely, type Transaction } from 'kysely';
import { fileURLToPath } from 'node:url';
import { employeeHired, employeeTerminated, employeeUpdated } from '@provisio/contracts';
import type { MigrationSet } from '@provisio/db';
import { eventKey, type CloudEvent, type Consumer } from '@provisio/messaging';
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
  const event = { type: cloudEvent.type, data: cloudEvent.data } as RosterEvent;
  const companyId = event.data.companyId;
  const employeeId = employeeIdOf(event);
  await sql`select pg_advisory_xact_lock(hashtext(${`roster:${companyId}:${employeeId}`}))`.execute(tx);
  const before = await findRosterEmployee(tx, companyId, employeeId);

  await tx
    .insertInto('roster_events')
    .values({
      company_id: companyId,
      employee_id: employeeId,
      event_key: eventKey(cloudEvent),
      type: event.type,
      effective_at: effectiveAt(event, cloudEvent.time, new Date()),
      data: JSON.stringify(event.data),
    })
    .onConflict((oc) => oc.doNothing())
    .execute();

  const stored = await tx
    .selectFrom('roster_events')
    .select(['type', 'data', 'effective_at', 'received_seq'])
    .where('company_id', '=', companyId)
    .where('employee_id', '=', employeeId)
    .execute();
  const after = foldRoster(
    companyId,
    stored.map((row) => ({
      event: { type: row.type, data: row.data } as RosterEvent,
      effectiveAt: new Date(row.effective_at),
      receivedSeq: Number(row.received_seq),
    })),
  );

  if (after) {
    const values = {
      company_id: companyId,
      id: employeeId,
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
    };
    const { company_id: _c, id: _i, ...changes } = values;
    await tx
      .insertInto('roster_employees')
      .values(values)
      .onConflict((oc) => oc.columns(['company_id', 'id']).doUpdateSet({ ...changes, updated_at: sql`now()` }))
      .execute();
  }
  return { companyId, employeeId, before, after };
}

/**
 * How many HR events a roster consumer applies in one transaction (`batchSize` of its consumer). An import of
 * a whole company is a backlog of thousands of events: one commit each made it take minutes. The events of a
 * batch are applied one after the other (by type); the roster is the same in any order (`foldRoster`).
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
): Consumer {
  const handler = async (event: CloudEvent<RosterEvent['data']>, tx: Transaction<unknown>) => {
    const change = await applyRosterEvent(tx as Transaction<RosterTables>, event);
    await onChange?.(tx as Transaction<DB>, change, event);
  };
  return consumer.on(employeeHired, handler).on(employeeUpdated, handler).on(employeeTerminated, handler);
}
