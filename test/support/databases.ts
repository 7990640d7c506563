import { randomBytes } from 'node:crypto';
import { openPglite, openPostgres, type SqlDb } from '@escrow/sql';
import { Pool } from 'pg';

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

export const pgliteTarget: DatabaseTarget = { name: 'pglite', open: () => openPglite() };

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

export async function openIsolatedPostgres(connectionString: string): Promise<SqlDb> {
  const schema = `t_${randomBytes(6).toString('hex')}`;
  const db = await openPostgres({ connectionString, schema });
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
