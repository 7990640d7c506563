import type { SqlDb, SqlExecutor } from '@escrow/sql';

/** Statements the app sent, by their first words, and transactions: what one request costs the database. */
export class QueryCounter {
  private readonly statements = new Map<string, number>();
  private transactions = 0;

  /** `db` with every statement (in or out of a transaction) counted. */
  wrap(db: SqlDb): SqlDb {
    const counting = Object.create(db) as SqlDb;
    const count = (sql: string) => {
      const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
      this.statements.set(key, (this.statements.get(key) ?? 0) + 1);
    };
    const countOn = (executor: SqlExecutor): SqlExecutor => {
      const wrapped = Object.create(executor) as SqlExecutor;
      wrapped.query = ((sql: string, params?: unknown[]) => {
        count(sql);
        return executor.query(sql, params);
      }) as SqlExecutor['query'];
      return wrapped;
    };
    counting.query = countOn(db).query;
    counting.transaction = (work) => {
      this.transactions++;
      return db.transaction((tx) => work(countOn(tx)));
    };
    return counting;
  }

  /** The counts since the last take, most frequent first, and resets them. */
  take(): { transactions: number; statements: [string, number][] } {
    const taken = { transactions: this.transactions, statements: [...this.statements].sort((a, b) => b[1] - a[1]) };
    this.statements.clear();
    this.transactions = 0;
    return taken;
  }
}
