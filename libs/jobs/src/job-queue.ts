import type { SqlDb } from '@escrow/sql';
import { assertIdentifier, assertJobTable, dueTimeSql, keyMatch, keyValues, stateList, type DueTime, type JobKey, type JobTable } from './job-table';

export interface ClaimRequest {
  readonly limit: number;
  /** The select list of the claimed rows; it names the key columns as they are. */
  readonly returning: string;
  /** Who holds an `owner` lease. */
  readonly owner?: string;
  /** How long an `owner` or `postpone` lease lasts. */
  readonly leaseMs?: number;
  /** Compare due times with this instant instead of the database's now(). */
  readonly now?: Date;
  /** More assignments the claim makes, as SQL over the row (when the first attempt began). */
  readonly alsoSet?: string;
}

/** A job's state changes go only from these states; without, from the open ones. */
export interface FromStates {
  readonly from?: readonly string[];
}

/** Which jobs `rearm` takes: one by key, or every one with a column equal to a value. */
export type RearmTarget = JobKey | { readonly column: string; readonly equals: string };

/**
 * A durable job queue over an existing table (`JobTable`): claim due jobs under a lease, then
 * complete, retry at a time with the error, or give up on each; re-arm given-up or waiting jobs.
 * Each change of state applies only to a job in the expected state and says whether it did.
 * Enqueueing stays with each queue: only it knows the columns of its jobs.
 */
export class JobQueue {
  constructor(
    private readonly db: SqlDb,
    readonly table: JobTable,
  ) {
    assertJobTable(table);
  }

  /**
   * Due jobs, in the table's order, leased to the claimer (see `JobLease`). `for update skip
   * locked`: claimers running together take different jobs rather than waiting for each other.
   */
  async claim<Row = Record<string, unknown>>(request: ClaimRequest): Promise<Row[]> {
    const { table, lease } = this.table;
    const nowSql = request.now ? '$2::timestamptz' : 'now()';
    const params: unknown[] = request.now ? [request.limit, request.now.toISOString()] : [request.limit];
    if (lease.kind === 'none') {
      const { rows } = await this.db.query<Row>(`select ${request.returning} from ${table} where ${this.due(nowSql)} order by ${this.table.order} limit $1`, params);
      return rows;
    }
    const leaseMs = required(request.leaseMs, 'leaseMs');
    return this.db.transaction(async (tx) => {
      const picked = await tx.query<Record<string, unknown>>(
        `select ${this.table.key.join(', ')} from ${table} where ${this.due(nowSql)} order by ${this.table.order} limit $1 for update skip locked`,
        params,
      );
      if (picked.rows.length === 0) return [];
      const keys = picked.rows.map((row) => this.keyOf(row));
      const sets: string[] = [];
      const values: unknown[] = [leaseMs];
      if (lease.kind === 'owner') {
        values.push(required(request.owner, 'owner'));
        sets.push(`${lease.owner} = $2`, `${lease.until} = ${untilSql(1)}`);
      } else {
        sets.push(`${this.table.dueAt.column} = ${untilSql(1)}`);
      }
      if (request.alsoSet) sets.push(request.alsoSet);
      if (this.table.updatedAt) sets.push(`${this.table.updatedAt} = now()`);
      const match = keyMatch(this.table, keys, values.length + 1);
      const { rows } = await tx.query<Row>(`update ${table} set ${sets.join(', ')} where ${match.sql} returning ${request.returning}`, [...values, ...match.params]);
      const order = new Map(keys.map((key, i) => [JSON.stringify(key), i]));
      const position = (row: Row) => order.get(JSON.stringify(this.keyOf(row as Record<string, unknown>)))!;
      return rows.sort((a, b) => position(a) - position(b));
    });
  }

  /** Keeps `owner`'s leases alive: while its work runs, no other claimer takes the jobs. */
  async renewLeases(owner: string, leaseMs: number): Promise<void> {
    const lease = this.ownerLease();
    await this.db.query(
      `update ${this.table.table} set ${lease.until} = ${untilSql(2)} where ${lease.owner} = $1 and ${this.openSql()} and ${lease.until} is not null`,
      [owner, leaseMs],
    );
  }

  /** A stopping worker hands its jobs back at once instead of letting their leases run out. */
  async releaseLeases(owner: string): Promise<void> {
    const lease = this.ownerLease();
    await this.db.query(`update ${this.table.table} set ${lease.until} = null, ${lease.owner} = null where ${lease.owner} = $1 and ${this.openSql()}`, [owner]);
  }

  /** Runs `work` while renewing `owner`'s leases every third of the lease. */
  async whileLeased<T>(owner: string, leaseMs: number, work: () => Promise<T>, onRenewalFailure: (error: unknown) => void): Promise<T> {
    const heartbeat = setInterval(() => {
      this.renewLeases(owner, leaseMs).catch(onRenewalFailure);
    }, leaseMs / 3);
    try {
      return await work();
    } finally {
      clearInterval(heartbeat);
    }
  }

  /**
   * Done: the job goes to `state` with its outcome; a table without states deletes the row.
   * `from`: for a person settling a job by hand (a dead effect).
   */
  async complete(key: JobKey, done: FromStates & { readonly state?: string; readonly outcome?: unknown } = {}): Promise<boolean> {
    const states = this.table.states;
    if (!states) {
      const match = keyMatch(this.table, [keyValues(this.table, key)], 1);
      const { rowCount } = await this.db.query(`delete from ${this.table.table} where ${match.sql}`, match.params);
      return rowCount === 1;
    }
    const sets = [`${states.column} = $1`];
    const params: unknown[] = [required(done.state, 'state')];
    const outcome = this.table.outcome;
    if (outcome && 'outcome' in done) {
      params.push(outcome.cast === 'jsonb' ? JSON.stringify(done.outcome) : done.outcome);
      sets.push(`${outcome.column} = $${params.length}${outcome.cast ? `::${outcome.cast}` : ''}`);
    }
    if (this.table.dueAt.nullable) sets.push(`${this.table.dueAt.column} = null`);
    return this.change(key, sets, params, done.from);
  }

  /** A failed attempt: counted, its error kept, and the job due again at `due`. */
  async retryAt(key: JobKey, failure: { readonly error: string; readonly due: DueTime }): Promise<boolean> {
    const due = dueTimeSql(failure.due, 2);
    const sets = [`${this.table.attempts} = ${this.table.attempts} + 1`, `${this.table.error} = $1`, `${this.table.dueAt.column} = ${due.sql}`];
    if (this.table.states) sets.unshift(`${this.table.states.column} = ${stateList([this.table.states.failed])}`);
    return this.change(key, sets, [failure.error, due.param]);
  }

  /** Given up: dead, with the attempt counted and its error, until a person re-arms it. */
  async giveUp(key: JobKey, error: string): Promise<boolean> {
    const states = required(this.table.states, 'states');
    const dead = required(states.dead, 'a dead state');
    return this.change(key, [`${states.column} = ${stateList([dead])}`, `${this.table.attempts} = ${this.table.attempts} + 1`, `${this.table.error} = $1`], [error]);
  }

  /**
   * Due again (now, or at `due`): a dead job a person retries (`from` dead, `to` open, attempts
   * reset), a failed one they hurry, or waiting ones whose cause went away. Returns how many.
   */
  async rearm(target: RearmTarget, options: { readonly from?: readonly string[]; readonly to?: string; readonly resetAttempts?: boolean; readonly due?: DueTime } = {}): Promise<number> {
    const params: unknown[] = [];
    let where: string;
    if (typeof target === 'object' && 'column' in target) {
      assertIdentifier(target.column);
      params.push(target.equals);
      where = `${target.column} = $1`;
    } else {
      const match = keyMatch(this.table, [keyValues(this.table, target)], 1);
      params.push(...match.params);
      where = match.sql;
    }
    const sets: string[] = [];
    if (options.due) {
      const due = dueTimeSql(options.due, params.length + 1);
      params.push(due.param);
      sets.push(`${this.table.dueAt.column} = ${due.sql}`);
    } else {
      sets.push(`${this.table.dueAt.column} = now()`);
    }
    const states = this.table.states;
    if (options.to !== undefined) sets.push(`${required(states, 'states').column} = ${stateList([options.to])}`);
    if (options.resetAttempts) sets.push(`${this.table.attempts} = 0`);
    if (this.table.updatedAt) sets.push(`${this.table.updatedAt} = now()`);
    if (options.from) where += ` and ${required(states, 'states').column} in (${stateList(options.from)})`;
    const { rowCount } = await this.db.query(`update ${this.table.table} set ${sets.join(', ')} where ${where}`, params);
    return rowCount;
  }

  /** One job's change of state, from an open state (or `from`): lease cleared, time stamped. */
  private async change(key: JobKey, sets: readonly string[], params: readonly unknown[], from?: readonly string[]): Promise<boolean> {
    const all = [...sets];
    const lease = this.table.lease;
    if (lease.kind === 'owner') all.push(`${lease.until} = null`, `${lease.owner} = null`);
    if (this.table.updatedAt) all.push(`${this.table.updatedAt} = now()`);
    const match = keyMatch(this.table, [keyValues(this.table, key)], params.length + 1);
    const guard = this.table.states ? ` and ${this.openSql(from)}` : '';
    const { rowCount } = await this.db.query(`update ${this.table.table} set ${all.join(', ')} where ${match.sql}${guard}`, [...params, ...match.params]);
    return rowCount === 1;
  }

  /** Claimable now: open, due, and not leased to a live worker. */
  private due(nowSql: string): string {
    const { dueAt, lease } = this.table;
    const parts = [dueAt.nullable ? `(${dueAt.column} is null or ${dueAt.column} <= ${nowSql})` : `${dueAt.column} <= ${nowSql}`];
    if (this.table.states) parts.unshift(this.openSql());
    if (lease.kind === 'owner') parts.push(`(${lease.until} is null or ${lease.until} < now())`);
    return parts.join(' and ');
  }

  /** `status = 'pending'` for one state (so a partial index on it still applies), `in (…)` for more. */
  private openSql(from?: readonly string[]): string {
    const states = this.table.states;
    if (!states) return 'true';
    const list = from ?? states.open;
    return list.length === 1 ? `${states.column} = ${stateList(list)}` : `${states.column} in (${stateList(list)})`;
  }

  private ownerLease(): Extract<JobTable['lease'], { kind: 'owner' }> {
    const lease = this.table.lease;
    if (lease.kind !== 'owner') throw new Error(`${this.table.table} has no lease owner`);
    return lease;
  }

  private keyOf(row: Record<string, unknown>): string[] {
    return this.table.key.map((column) => String(row[column]));
  }
}

function required<T>(value: T | undefined, what: string): T {
  if (value === undefined) throw new Error(`job queue: ${what} is required here`);
  return value;
}

/** now() + the lease held in parameter `$n` (milliseconds). */
function untilSql(n: number): string {
  return `now() + make_interval(secs => $${n}::double precision / 1000)`;
}
