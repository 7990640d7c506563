export * from './sql-db';
export { openPostgres, poolSizeMaxDefault, type PostgresOptions } from './postgres-db';
export { openPglite, pgliteSqlDb, type PgliteInstance } from './pglite-db';
export { watchStatements } from './watched-db';
export { SqlConditions, pageOf } from './sql-conditions';
