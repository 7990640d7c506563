import { applyMigrations } from '@escrow/migrations';
import { openPglite, openPostgres, type SqlDb } from '@escrow/sql';

/** Where a bench database lives, so that another process can open the same one. */
export type BenchDatabase =
  | { readonly kind: 'pglite'; readonly dir: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string };

/** Opened with the versioned migrations applied, as the app opens its database. */
export async function openBenchDatabase(where: BenchDatabase, poolSizeMax = 32): Promise<SqlDb> {
  const db = where.kind === 'pglite' ? await openPglite(where.dir) : await openPostgres({ connectionString: where.url, schema: where.schema, poolSizeMax });
  await applyMigrations(db);
  return db;
}
