export { rosterMigrations, applyRosterEvent, applyRosterEvents, consumeRoster, ROSTER_BATCH_SIZE, findRosterEmployee, isActiveAdmin, toRosterEmployee, type RosterChange } from './roster.js';
export { foldRoster, effectiveAt, type RosterEmployee, type RosterEvent } from './fold.js';
export type { RosterTables, RosterEmployeesTable, RosterEventsTable } from './tables.js';
