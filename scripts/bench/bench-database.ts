import { openPglite, openPostgres, type SqlDb } from '@escrow/sql';

/** Where a bench database lives, so that another process can open the same one. */
export type BenchDatabase =
  | { readonly kind: 'pglite'; readonly dir: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string };

export function openBenchDatabase(where: BenchDatabase, poolSizeMax = 32): Promise<SqlDb> {
  return where.kind === 'pglite' ? openPglite(where.dir) : openPostgres({ connectionString: where.url, schema: where.schema, poolSizeMax });
}
