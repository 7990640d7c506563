/**
 * Where a queue keeps its jobs: an existing table, described by the columns its lifecycle uses.
 * A job's own data (the request, the payload) are the queue's business; the abstraction reads
 * and writes only what is named here. Names come from code, never from input.
 */
export interface JobTable {
  readonly table: string;
  /** The primary key: one or more text columns. */
  readonly key: readonly string[];
  /**
   * When the job is due next. `nullable`: a job without a time is due now, and a job that is
   * closed loses its time (the webhook inbox).
   */
  readonly dueAt: { readonly column: string; readonly nullable?: boolean };
  /** Failed attempts so far. */
  readonly attempts: string;
  /** The last failure's message. */
  readonly error: string;
  /** Stamped with now() by every change of a job's state (not by lease renewals). */
  readonly updatedAt?: string;
  /** Written by `complete`; `cast` when the column is not text. */
  readonly outcome?: { readonly column: string; readonly cast?: 'jsonb' };
  /** Claim order, as an SQL `order by` list over this table's columns. */
  readonly order: string;
  /** The status column and its states; without one, a row is an open job until it is deleted. */
  readonly states?: JobStates;
  readonly lease: JobLease;
}

export interface JobStates {
  readonly column: string;
  /** The states a job can be claimed, failed, given up or completed from. */
  readonly open: readonly string[];
  /** The state a failed attempt leaves the job in until its retry time. */
  readonly failed: string;
  /** Given up: left for a person (the admin pages); only `rearm` brings it back. */
  readonly dead?: string;
}

/**
 * How a claimed job is kept from other workers while it is handled:
 * - `owner`: a lease column and an owner column, renewed while the work runs, handed back on stop;
 * - `postpone`: claiming moves the due time forward by the lease, for a table without lease
 *   columns whose jobs are finished by other means (the payout retries: by the saga's events);
 * - `none`: a claim only reads. Two workers may then handle one job; the queue's handling must
 *   make that harmless (the webhook inbox: deterministic event ids, guarded transitions).
 */
export type JobLease = { readonly kind: 'owner'; readonly until: string; readonly owner: string } | { readonly kind: 'postpone' } | { readonly kind: 'none' };

/** A job's key: its value, or its values in the order of `JobTable.key`. */
export type JobKey = string | readonly string[];

/** A time the job is due: `{ afterMs }` from the database's now(), or a given instant. */
export type DueTime = { readonly afterMs: number } | { readonly at: Date };

const identifier = /^[a-z_][a-z0-9_]*$/;
const stateName = /^[a-z_]+$/;

/** Refuses a description that could not be spliced into SQL as it stands. */
export function assertJobTable(table: JobTable): void {
  const columns = [table.table, ...table.key, table.dueAt.column, table.attempts, table.error, table.updatedAt, table.outcome?.column, table.states?.column];
  if (table.lease.kind === 'owner') columns.push(table.lease.until, table.lease.owner);
  for (const column of columns) if (column !== undefined) assertIdentifier(column);
  assert(table.key.length > 0, `job table ${table.table} has a key`);
  const states = table.states;
  if (states) {
    stateList([...states.open, states.failed, ...(states.dead ? [states.dead] : [])]);
    assert(states.open.length > 0 && states.open.includes(states.failed), `job table ${table.table}: a failed job stays open`);
  }
}

/** `'a', 'b'`: states are checked words, so they are written as literals (the partial indexes match them). */
export function stateList(states: readonly string[]): string {
  for (const state of states) assert(stateName.test(state), `job state ${state} is a plain word`);
  return states.map((state) => `'${state}'`).join(', ');
}

/** Table and column names are spliced into SQL: plain lower-case identifiers only. */
export function assertIdentifier(name: string): void {
  assert(identifier.test(name), `job table name ${name} is a plain identifier`);
}

/**
 * Matches rows by key against text arrays, one per key column, starting at parameter `first`:
 * `(a, b) in (select * from unnest($1::text[], $2::text[]))`.
 */
export function keyMatch(table: JobTable, keys: readonly (readonly string[])[], first: number): { sql: string; params: string[][] } {
  const arrays = table.key.map((_, i) => `$${first + i}::text[]`).join(', ');
  const params = table.key.map((_, i) => keys.map((key) => key[i]!));
  return { sql: `(${table.key.join(', ')}) in (select * from unnest(${arrays}))`, params };
}

export function keyValues(table: JobTable, key: JobKey): readonly string[] {
  const values = typeof key === 'string' ? [key] : key;
  assert(values.length === table.key.length, `a ${table.table} key has ${table.key.length} value(s)`);
  return values;
}

/** SQL for a due time, with its one parameter at `$n`. */
export function dueTimeSql(due: DueTime, n: number): { sql: string; param: unknown } {
  if ('at' in due) return { sql: `$${n}::timestamptz`, param: due.at.toISOString() };
  return { sql: `now() + make_interval(secs => $${n}::double precision / 1000)`, param: due.afterMs };
}

function assert(condition: boolean, message: string): asserts condition {
  if (!condition) throw new Error(message);
}
