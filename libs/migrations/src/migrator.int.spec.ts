import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, emptySchema, withDatabase } from '../../../test/support/databases';
import { applyMigrations, migrationStates, migrationTable } from './migrator';
import type { SchemaMigration } from './schema-migration';
import { schemaMigrations } from './versions';

/** The tables that cannot be rebuilt from the log: each must come from a migration. */
const durableTables = [
  'es_events',
  'es_streams',
  'idempotency_keys',
  'saga_effects',
  'saga_payouts',
  'saga_dead_letters',
  'auto_release_jobs',
  'stripe_webhook_inbox',
  'simgw_payment_intents',
];
const allNames = schemaMigrations.map((m) => m.name);

async function tablesPresent(db: SqlDb, names: readonly string[]): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(
    `select table_name as name from information_schema.tables where table_schema = current_schema() and table_name = any($1::text[]) order by 1`,
    [names],
  );
  return rows.map((r) => r.name);
}

async function recordedNames(db: SqlDb): Promise<string[]> {
  const { rows } = await db.query<{ name: string }>(`select name from ${migrationTable} order by name`);
  return rows.map((r) => r.name);
}

describeEachDatabase('versioned schema migrations', (target) => {
  const database = withDatabase(target);

  beforeEach(async () => {
    await emptySchema(database.db, { migrated: false });
  });

  it('brings a new database to the newest version, in name order, records each, and applies nothing the second time', async () => {
    expect(allNames).toEqual([...allNames].sort());
    expect(await tablesPresent(database.db, durableTables)).toEqual([]);

    expect(await applyMigrations(database.db)).toEqual({ applied: allNames });
    expect(await tablesPresent(database.db, durableTables)).toEqual([...durableTables].sort());
    expect(await recordedNames(database.db)).toEqual(allNames);
    const states = await migrationStates(database.db);
    expect(states.map((s) => s.name)).toEqual(allNames);
    for (const state of states) expect(state.appliedAt).toBeInstanceOf(Date);

    expect(await applyMigrations(database.db)).toEqual({ applied: [] });
    expect(await recordedNames(database.db)).toEqual(allNames);
  });

  it('lists every migration as pending on a database never migrated, and creates nothing by looking', async () => {
    expect((await migrationStates(database.db)).map((s) => [s.name, s.appliedAt])).toEqual(allNames.map((name) => [name, null]));
    expect(await tablesPresent(database.db, [...durableTables, migrationTable])).toEqual([]);
  });

  it('applies each migration once when two processes start together on a new database', async () => {
    const runs = await Promise.all([applyMigrations(database.db), applyMigrations(database.db), applyMigrations(database.db)]);
    // One run did the work, the others waited for its lock and found nothing left.
    expect(runs.map((r) => r.applied.length).sort()).toEqual([0, 0, allNames.length]);
    expect(await recordedNames(database.db)).toEqual(allNames);
  });

  it('applies only what is new on a database at an older version, keeping its rows', async () => {
    await applyMigrations(database.db, schemaMigrations.slice(0, 2));
    await database.db.query(`insert into idempotency_keys (scope, key, request_hash, state) values ('employer:emp_1', 'k1', 'h', 'done')`);

    expect(await applyMigrations(database.db)).toEqual({ applied: allNames.slice(2) });
    const { rows } = await database.db.query<{ key: string }>('select key from idempotency_keys');
    expect(rows).toEqual([{ key: 'k1' }]);
  });

  it('rolls the whole run back when one migration fails: no table of it, nothing recorded', async () => {
    const broken: SchemaMigration = { name: '9999_broken', sql: 'create table half_done (x int); select 1 / 0;' };

    await expect(applyMigrations(database.db, [...schemaMigrations, broken])).rejects.toThrow(/division by zero/);
    expect(await tablesPresent(database.db, [...durableTables, 'half_done'])).toEqual([]);
    // Still usable: the next start applies the good ones.
    expect(await applyMigrations(database.db)).toEqual({ applied: allNames });
  });

  it('refuses to run older code on a database a newer release migrated', async () => {
    const future: SchemaMigration = { name: '9000_from_a_newer_release', sql: 'create table from_the_future (x int);' };
    await applyMigrations(database.db, [...schemaMigrations, future]);

    await expect(applyMigrations(database.db)).rejects.toThrow(/9000_from_a_newer_release/);
    await expect(recordedNames(database.db)).resolves.toEqual([...allNames, future.name]);
  });

  it('keeps a history of its own beside another schema of the same database that has one', async () => {
    // Two databases in schemas of one server, as the tests run them (on PGlite: a second schema of the same instance).
    await database.db.exec('create schema if not exists t_neighbour');
    await database.db.transaction(async (tx) => {
      await tx.exec('set local search_path = t_neighbour');
      await tx.exec('create table if not exists schema_migrations (name varchar(255) primary key, timestamp varchar(255) not null)');
      await tx.exec('create table if not exists schema_migrations_lock (id varchar(255) primary key, is_locked integer not null default 0)');
    });
    try {
      expect(await applyMigrations(database.db)).toEqual({ applied: allNames });
      expect(await recordedNames(database.db)).toEqual(allNames);
    } finally {
      await database.db.exec('drop schema t_neighbour cascade');
    }
  });

  it('refuses a migration named before one already applied (a history rewritten out of order)', async () => {
    await applyMigrations(database.db);
    const late: SchemaMigration = { name: '0001a_slipped_in', sql: 'create table slipped_in (x int);' };

    await expect(applyMigrations(database.db, [...schemaMigrations, late].sort((a, b) => a.name.localeCompare(b.name)))).rejects.toThrow(/0001a_slipped_in/);
    expect(await tablesPresent(database.db, ['slipped_in'])).toEqual([]);
  });
});
