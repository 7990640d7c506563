import { randomBytes } from 'node:crypto';
import { applyMigrations } from '@escrow/migrations';
import { openPglite, openPostgres, type SqlDb } from '@escrow/sql';
import { Pool } from 'pg';
import { pgliteTemplate } from './pglite-template';

/**
 * Every integration suite runs on embedded PGlite, and on real PostgreSQL when DATABASE_URL is
 * set (CI sets it). Each PostgreSQL database opened here lives in a schema of its own, dropped
 * afterwards, so suites running in parallel never see each other's rows.
 */
export interface DatabaseTarget {
  readonly name: 'pglite' | 'postgres';
  open(): Promise<SqlDb>;
}

const databaseUrl = process.env.DATABASE_URL;

/**
 * An in-memory PGlite with the versioned migrations applied and nothing else, started from a dump
 * of such a data directory (`pglite-template.ts`).
 */
export const pgliteTarget: DatabaseTarget = { name: 'pglite', open: async () => openPglite(undefined, { loadDataDir: await pgliteTemplate() }) };

export const postgresTarget: DatabaseTarget | null = databaseUrl
  ? { name: 'postgres', open: () => openIsolatedPostgres(databaseUrl) }
  : null;

export function databaseTargets(): DatabaseTarget[] {
  return postgresTarget ? [pgliteTarget, postgresTarget] : [pgliteTarget];
}

/** `describe` per target; the PostgreSQL one shows up as skipped, with its reason, when absent. */
export function describeEachDatabase(title: string, body: (target: DatabaseTarget) => void): void {
  for (const target of databaseTargets()) describe(`${title} [${target.name}]`, () => body(target));
  if (!postgresTarget) {
    describe.skip(`${title} [postgres] skipped: DATABASE_URL is not set`, () => {
      it('runs against real PostgreSQL when DATABASE_URL is set', () => undefined);
    });
  }
}

/** A schema of its own on the server, with the versioned migrations applied (as the app does at start). */
export async function openIsolatedPostgres(connectionString: string): Promise<SqlDb> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const db = await openPostgres({ connectionString, schema });
  await applyMigrations(db);
  const close = db.close.bind(db);
  return {
    ...db,
    async close() {
      await close();
      const admin = new Pool({ connectionString, max: 1 });
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    },
  };
}

export interface DatabaseFixture {
  /** The describe's database: open from its `beforeAll` to its `afterAll`. */
  readonly db: SqlDb;
  /**
   * Closes something opened on the database (a store, an app) when the describe ends, before the
   * database itself; the last registered closes first. (An `afterAll` declared after
   * `withDatabase` would run after the database closed: Jest runs them in declaration order.)
   */
  onClose(close: () => Promise<void>): void;
}

export interface DatabaseFixtureOptions {
  /**
   * Empty the database's schema before each test (drop it with everything in it and create it
   * again), for tests that count or list everything in a table. Cheaper than a database per
   * test; without it, tests share the rows and keep apart by unique ids.
   */
  readonly emptyBeforeEach?: boolean;
}

/**
 * One database for the tests of the describe that calls it: opened in a `beforeAll`, closed in an
 * `afterAll`. Call it before the hooks that use `db`.
 */
export function withDatabase(target: DatabaseTarget, options: DatabaseFixtureOptions = {}): DatabaseFixture {
  let db: SqlDb | null = null;
  const closers: (() => Promise<void>)[] = [];
  const fixture: DatabaseFixture = {
    get db() {
      if (!db) throw new Error('withDatabase: the database is open only within the hooks and tests of its describe');
      return db;
    },
    onClose(close) {
      closers.push(close);
    },
  };
  beforeAll(async () => {
    db = await target.open();
  });
  if (options.emptyBeforeEach) {
    beforeEach(async () => {
      await emptySchema(fixture.db);
    });
  }
  afterAll(async () => {
    const failures: unknown[] = [];
    for (const close of closers.splice(0).reverse()) await close().catch((error: unknown) => failures.push(error));
    await db?.close();
    db = null;
    if (failures.length > 0) throw failures[0];
  });
  return fixture;
}

/**
 * Drops the schema the database writes to, with everything in it, and creates it again with only
 * the versioned migrations applied (what the app's start leaves on a new database), or with
 * nothing at all (`migrated: false`: a database as an older release, before migrations, left it).
 */
export async function emptySchema(db: SqlDb, options: { readonly migrated?: boolean } = {}): Promise<void> {
  const { rows } = await db.query<{ schema: string }>('select current_schema() as schema');
  const schema = rows[0]!.schema;
  await db.exec(`drop schema "${schema}" cascade; create schema "${schema}"`);
  if (options.migrated ?? true) await applyMigrations(db);
}
