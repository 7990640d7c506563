import { watchStatements, type SqlDb } from '@escrow/sql';

/** Statements the app sent, by their first words, and transactions: what one request costs the database. */
export class QueryCounter {
  private readonly statements = new Map<string, number>();
  private transactions = 0;

  /** `db` with every statement (in or out of a transaction) counted. */
  wrap(db: SqlDb): SqlDb {
    return watchStatements(
      db,
      (sql) => {
        const key = sql.replace(/\s+/g, ' ').trim().slice(0, 90);
        this.statements.set(key, (this.statements.get(key) ?? 0) + 1);
      },
      () => this.transactions++,
    );
  }

  /** The counts since the last take, most frequent first, and resets them. */
  take(): { transactions: number; statements: [string, number][] } {
    const taken = { transactions: this.transactions, statements: [...this.statements].sort((a, b) => b[1] - a[1]) };
    this.statements.clear();
    this.transactions = 0;
    return taken;
  }
}
