import type { SqlDb, SqlExecutor } from './sql-db';

/**
 * `db` telling `seen` of every statement sent through it, in transactions too (`onTransaction` of
 * each transaction begun): what a bench counts per request, what a test checks the app never sends.
 */
export function watchStatements(db: SqlDb, seen: (sql: string) => void, onTransaction: () => void = () => undefined): SqlDb {
  const watched = (executor: SqlExecutor): SqlExecutor => ({
    query(sql, params) {
      seen(sql);
      return executor.query(sql, params);
    },
    exec(sql) {
      seen(sql);
      return executor.exec(sql);
    },
  });
  const watching = Object.create(db) as SqlDb;
  const outside = watched(db);
  watching.query = outside.query;
  watching.exec = outside.exec;
  watching.transaction = (work) => {
    onTransaction();
    return db.transaction((tx) => work(watched(tx)));
  };
  return watching;
}
