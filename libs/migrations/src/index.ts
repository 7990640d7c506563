export * from './schema-migration';
export * from './migrator';
export { schemaMigrations } from './versions';
