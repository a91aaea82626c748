export { openDatabase, DatabaseUnavailableError, type Database, type DatabaseOptions, type Tx } from './database.js';
export { runMigrations, type MigrationSet } from './migrations.js';
export { analyzeStaleTables, statisticsNeedRefreshing } from './auto-analyze.js';
export { pgArray, type ArrayElement } from './array-literal.js';
export { isUniqueViolation, isSerializationFailure } from './pg-errors.js';
export { sql, type Kysely, type Transaction, type Selectable, type Insertable, type Updateable, type Generated, type ColumnType } from 'kysely';
