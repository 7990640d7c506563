export * from './sql-db';
export { openPostgres, type PostgresOptions } from './postgres-db';
export { openPglite } from './pglite-db';
