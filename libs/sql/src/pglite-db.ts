import type { SqlDb, SqlExecutor } from './sql-db';

/** The part of PGlite and its transactions that we use (structural, so CJS and ESM typings agree). */
interface PgliteLike {
  query(sql: string, params?: unknown[]): Promise<{ rows: unknown[]; affectedRows?: number }>;
  exec(sql: string): Promise<unknown>;
}

function executor(db: PgliteLike): SqlExecutor {
  return {
    async query(sql, params) {
      const result = await db.query(sql, params as unknown[] | undefined);
      return { rows: result.rows as never[], rowCount: result.affectedRows ?? result.rows.length };
    },
    async exec(sql) {
      await db.exec(sql);
    },
  };
}

/**
 * Embedded PostgreSQL. `dataDir` undefined keeps it in memory (tests). PGlite has a single
 * connection and queues queries and transactions itself, so callers need no lock of their own.
 * `loadDataDir`: start from a copy of a data directory dumped earlier (`dumpDataDir`), skipping
 * initdb (tests open many empty databases from one dump).
 */
export async function openPglite(dataDir?: string, options: { readonly loadDataDir?: Blob } = {}): Promise<SqlDb> {
  // PGlite is an ES module: load it at run time so the CommonJS build can use it.
  const { PGlite } = await import('@electric-sql/pglite');
  return pgliteSqlDb(await PGlite.create(dataDir, options.loadDataDir ? { loadDataDir: options.loadDataDir } : {}));
}

/** The parts of a PGlite instance a `SqlDb` needs. */
export interface PgliteInstance extends PgliteLike {
  transaction<T>(work: (tx: PgliteLike) => Promise<T>): Promise<T>;
  listen(channel: string, onNotify: () => void): Promise<() => Promise<void>>;
  close(): Promise<void>;
}

/** An open PGlite as a `SqlDb` (for callers that also need PGlite's own API, such as dumping it). */
export function pgliteSqlDb(db: PgliteInstance): SqlDb {
  return {
    kind: 'pglite',
    ...executor(db),
    transaction: (work) => db.transaction((tx) => work(executor(tx))),
    async listen(channel, onNotify) {
      const unlisten = await db.listen(channel, () => onNotify());
      return async () => unlisten();
    },
    async close() {
      await db.close();
    },
  };
}
