export * from './sql-db';
export { openPostgres, poolSizeMaxDefault, type PostgresOptions } from './postgres-db';
export { openPglite } from './pglite-db';
