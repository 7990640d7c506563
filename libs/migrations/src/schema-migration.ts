/**
 * One version of the schema of the tables that cannot be rebuilt from the log (the log itself,
 * idempotency keys, saga effects, the webhook inbox, ...). Forward only: PostgreSQL runs DDL in
 * transactions, so a failed migration leaves the schema as it was, and undoing a released one
 * is another migration.
 */
export interface SchemaMigration {
  /** Applied in the order of their names, and recorded under it: never renamed once released. */
  readonly name: string;
  /** Statements run as one script, in the transaction of the run. */
  readonly sql: string;
}
