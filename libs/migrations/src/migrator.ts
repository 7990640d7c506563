import {
  Kysely,
  PostgresAdapter,
  PostgresQueryCompiler,
  type CompiledQuery,
  type DatabaseConnection,
  type DatabaseIntrospector,
  type Driver,
  type QueryResult,
  type SchemaMetadata,
  type TableMetadata,
} from 'kysely';
import { Migrator, type Migration } from 'kysely/migration';
import type { SqlDb, SqlExecutor } from '@escrow/sql';
import type { SchemaMigration } from './schema-migration';
import { schemaMigrations } from './versions';

/** Where each applied migration is recorded (name, time): Kysely's history, under our own names. */
export const migrationTable = 'schema_migrations';
const migrationLockTable = 'schema_migrations_lock';

/**
 * The advisory lock (two int4 keys: this class, hashtext of the schema) a run holds for its whole
 * transaction, so the api and the worker starting together on a fresh database apply each
 * migration once: the second waits, then finds nothing left to do. Per schema, so databases
 * living side by side in schemas of one server do not wait for each other.
 */
export const migrationLockClass = 1_702_059_885; // the bytes of 'es_m'; the stream locks use 'es_s'

export interface MigrationRun {
  /** Applied by this run, oldest first (empty when the schema was already current). */
  readonly applied: readonly string[];
}

/**
 * Brings the schema up to the newest migration, all in one transaction: every pending migration
 * applies or none does. Refuses (throws) when the database records a migration this code does
 * not know: a newer release migrated it, and running older code on it is not safe.
 */
export async function applyMigrations(db: SqlDb, migrations: readonly SchemaMigration[] = schemaMigrations): Promise<MigrationRun> {
  return db.transaction(async (tx) => {
    await tx.query('select pg_advisory_xact_lock($1, hashtext(current_schema()))', [migrationLockClass]);
    // A migration may rewrite a large table: the pool's statement timeout is for requests.
    await tx.query('set local statement_timeout = 0');
    const { error, results } = await withMigrator(tx, migrations, (migrator) => migrator.migrateToLatest());
    if (error !== undefined) throw error;
    return { applied: (results ?? []).filter((r) => r.status === 'Success').map((r) => r.migrationName) };
  });
}

export interface MigrationState {
  readonly name: string;
  /** When it was applied; null while pending. */
  readonly appliedAt: Date | null;
}

/** Each known migration and whether this database has applied it (`npm run migrate` prints it). */
export async function migrationStates(db: SqlDb, migrations: readonly SchemaMigration[] = schemaMigrations): Promise<MigrationState[]> {
  return db.transaction(async (tx) => {
    const infos = await withMigrator(tx, migrations, (migrator) => migrator.getMigrations());
    return infos.map((info) => ({ name: info.name, appliedAt: info.executedAt ?? null }));
  });
}

async function withMigrator<T>(tx: SqlExecutor, migrations: readonly SchemaMigration[], use: (migrator: Migrator) => Promise<T>): Promise<T> {
  // Named, not left to the search path: unnamed, Kysely takes a history table in any schema of the
  // database for ours (several schemas side by side, as the tests run them, each need their own).
  const { rows } = await tx.query<{ schema: string }>('select current_schema() as schema');
  const schema = rows[0]?.schema;
  if (!schema) throw new Error('migrations: the connection has no current schema (check its search_path)');
  const kysely = new Kysely<unknown>({
    dialect: {
      createAdapter: () => new HeldTransactionAdapter(),
      createDriver: () => new HeldTransactionDriver(new ExecutorConnection(tx)),
      createIntrospector: () => new CurrentSchemaIntrospector(tx, schema),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  const byName: Record<string, Migration> = {};
  for (const migration of migrations) {
    byName[migration.name] = {
      // A script of several statements (functions with $$ bodies among them): run whole, not as
      // one parameterised query, which PostgreSQL accepts only one statement at a time.
      up: async () => tx.exec(migration.sql),
    };
  }
  const migrator = new Migrator({
    db: kysely,
    provider: { getMigrations: async () => byName },
    migrationTableName: migrationTable,
    migrationLockTableName: migrationLockTable,
    migrationTableSchema: schema,
  });
  try {
    return await use(migrator);
  } finally {
    await kysely.destroy();
  }
}

/**
 * The run is already one transaction of ours holding our advisory lock (`applyMigrations`), so
 * Kysely's own lock, a session lock, is not taken: left held on a pooled connection by a failed
 * run, it would stall every later start.
 */
class HeldTransactionAdapter extends PostgresAdapter {
  override async acquireMigrationLock(): Promise<void> {}
  override async releaseMigrationLock(): Promise<void> {}
}

/**
 * Kysely over one open transaction of ours: its begin and commit are ours to do, so here they do
 * nothing, and an error thrown by the migrator rolls the whole run back through `db.transaction`.
 */
class HeldTransactionDriver implements Driver {
  constructor(private readonly connection: DatabaseConnection) {}
  async init(): Promise<void> {}
  async acquireConnection(): Promise<DatabaseConnection> {
    return this.connection;
  }
  async beginTransaction(): Promise<void> {}
  async commitTransaction(): Promise<void> {}
  async rollbackTransaction(): Promise<void> {}
  async releaseConnection(): Promise<void> {}
  async destroy(): Promise<void> {}
}

/**
 * What the migrator asks of the catalog (does our schema, does our history table exist), answered
 * for our schema only. Kysely's Postgres introspector lists every table of every schema: slow on a
 * shared server, and it failed ("schema … does not exist") when another schema was dropped
 * while it read the catalog.
 */
class CurrentSchemaIntrospector implements DatabaseIntrospector {
  constructor(
    private readonly tx: SqlExecutor,
    private readonly schema: string,
  ) {}

  async getSchemas(): Promise<SchemaMetadata[]> {
    return [{ name: this.schema }];
  }

  async getTables(): Promise<TableMetadata[]> {
    const { rows } = await this.tx.query<{ name: string }>(
      `select table_name as name from information_schema.tables where table_schema = $1 and table_name = any($2::text[])`,
      [this.schema, [migrationTable, migrationLockTable]],
    );
    return rows.map((row) => ({ name: row.name, schema: this.schema, isView: false, isForeign: false, columns: [] }));
  }
}

class ExecutorConnection implements DatabaseConnection {
  constructor(private readonly tx: SqlExecutor) {}

  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    const { rows, rowCount } = await this.tx.query<R>(query.sql, query.parameters);
    return { rows, numAffectedRows: BigInt(rowCount) };
  }

  // eslint-disable-next-line require-yield
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('the migrator does not stream');
  }
}
