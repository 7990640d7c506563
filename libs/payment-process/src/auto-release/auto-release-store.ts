import { JobQueue, type DueTime, type JobTable } from '@escrow/jobs';
import { deterministicId } from '@escrow/runtime';
import type { SqlDb, SqlExecutor } from '@escrow/sql';

export type AutoReleaseJobStatus = 'pending' | 'done' | 'skipped' | 'cancelled' | 'dead';

/** One step of a wait: the release (`daysBefore` 0) or a reminder `daysBefore` days ahead of it. */
export interface AutoReleaseJob {
  readonly key: string;
  readonly causeEventId: string;
  readonly daysBefore: number;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly correlationId: string;
  readonly pendingSince: string;
  readonly dueAt: string;
  readonly attempts: number;
}

export interface AutoReleaseJobRecord extends AutoReleaseJob {
  readonly status: AutoReleaseJobStatus;
  readonly outcome: string | null;
  readonly lastError: string | null;
  /** When the status last changed: for a dead step, when it was given up. */
  readonly updatedAt: string;
}

/** A wait that began: the event (its id, correlation and time) that put the milestone in pending_approval. */
export interface WaitStarted {
  readonly causeEventId: string;
  readonly correlationId: string;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly since: string;
}

interface JobRow {
  job_key: string;
  cause_event_id: string;
  days_before: number;
  contract_id: string;
  milestone_id: string;
  correlation_id: string;
  pending_since: string;
  due_at: string;
  attempts: number;
  status: AutoReleaseJobStatus;
  outcome: string | null;
  last_error: string | null;
}

interface RecordRow extends JobRow {
  updated_at: string;
}

const isoUtc = (column: string) => `to_char(${column} at time zone 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

const columns = `job_key, cause_event_id, days_before, contract_id, milestone_id, correlation_id,
  ${isoUtc('pending_since')} as pending_since, ${isoUtc('due_at')} as due_at, attempts, status, outcome, last_error`;

const recordColumns = `${columns}, ${isoUtc('updated_at')} as updated_at`;

/** The lifecycle columns of `auto_release_jobs`, for the job queue. */
export const autoReleaseJobs: JobTable = {
  table: 'auto_release_jobs',
  key: ['job_key'],
  dueAt: { column: 'due_at' },
  attempts: 'attempts',
  error: 'last_error',
  updatedAt: 'updated_at',
  outcome: { column: 'outcome' },
  order: 'due_at, job_key',
  states: { column: 'status', open: ['pending'], failed: 'pending', dead: 'dead' },
  lease: { kind: 'owner', until: 'leased_until', owner: 'lease_owner' },
};

/** The release step of a wait, and its reminders: `<cause event id>/release`, `<cause event id>/remind/<days>`. */
export const jobKeyOf = (causeEventId: string, daysBefore: number): string => (daysBefore === 0 ? `${causeEventId}/release` : `${causeEventId}/remind/${daysBefore}`);

/** The id of the event a step writes: the same for every run of the step. */
export const stepEventId = (jobKey: string): string => deterministicId(`auto-release:${jobKey}`);

/**
 * The due dates of auto-release: for every wait for approval (a milestone entering
 * `pending_approval`), one job that releases it and one per reminder, keyed by the event that
 * began the wait. Due times are `pending_since` + (AUTO_RELEASE_DAYS - days_before) days, so a
 * changed setting re-plans the open jobs (`replan`). A job is worked under an owner lease; the
 * command it runs has a deterministic event id, so even a job run twice appends once.
 * Its table is versioned migration 0005_auto_release_jobs (libs/migrations).
 */
export class AutoReleaseStore {
  private readonly jobs: JobQueue;

  constructor(private readonly db: SqlDb) {
    this.jobs = new JobQueue(db, autoReleaseJobs);
  }


  /**
   * Inside the scheduler's transaction: the wait's steps (release, then each reminder), due
   * `afterDays - daysBefore` days after it began. Seen again (a replay), it changes nothing.
   */
  static async scheduleWait(tx: SqlExecutor, wait: WaitStarted, steps: readonly number[], afterDays: number): Promise<void> {
    await tx.query(
      `insert into auto_release_jobs (job_key, cause_event_id, days_before, contract_id, milestone_id, correlation_id, pending_since, due_at)
       select $1::text || case when d = 0 then '/release' else '/remind/' || d::text end, $1::text, d, $2, $3, $4, $5::timestamptz,
              $5::timestamptz + make_interval(days => $6::int - d)
       from unnest($7::int[]) as d
       on conflict (job_key) do nothing`,
      [wait.causeEventId, wait.contractId, wait.milestoneId, wait.correlationId, wait.since, afterDays, steps],
    );
  }

  /**
   * Inside the scheduler's transaction: the milestone left pending_approval, its open steps are
   * moot, and so are those given up on: support need not act on a wait that is over.
   */
  static async cancelWaits(tx: SqlExecutor, contractId: string, milestoneId: string, why: string): Promise<void> {
    // One statement per status, each matching its partial index, rather than a scan of every step.
    for (const status of ['pending', 'dead'] as const) {
      await tx.query(
        `update auto_release_jobs set status = 'cancelled', outcome = $3, leased_until = null, lease_owner = null, updated_at = now()
         where contract_id = $1 and milestone_id = $2 and status = '${status}'`,
        [contractId, milestoneId, why],
      );
    }
  }

  /** Inside the scheduler's transaction: the step's own event is in the log (its worker died before completing it). */
  static async completeSeen(tx: SqlExecutor, jobKey: string, outcome: string): Promise<void> {
    await tx.query(
      `update auto_release_jobs set status = 'done', outcome = $2, leased_until = null, lease_owner = null, updated_at = now()
       where job_key = $1 and status = 'pending'`,
      [jobKey, outcome],
    );
  }

  /** AUTO_RELEASE_DAYS may differ from when the waits were scheduled: open steps follow the setting. */
  async replan(afterDays: number): Promise<number> {
    const { rowCount } = await this.db.query(
      `update auto_release_jobs set due_at = pending_since + make_interval(days => $1::int - days_before), updated_at = now()
       where status = 'pending' and due_at <> pending_since + make_interval(days => $1::int - days_before)`,
      [afterDays],
    );
    return rowCount;
  }

  /** Steps due at `now` (the injected clock), leased to `owner`. */
  async claim(owner: string, limit: number, leaseMs: number, now: Date): Promise<AutoReleaseJob[]> {
    const rows = await this.jobs.claim<JobRow>({ limit, owner, leaseMs, now, returning: columns });
    return rows.map(toJob);
  }

  whileLeased<T>(owner: string, leaseMs: number, work: () => Promise<T>, onRenewalFailure: (error: unknown) => void): Promise<T> {
    return this.jobs.whileLeased(owner, leaseMs, work, onRenewalFailure);
  }

  async releaseLeases(owner: string): Promise<void> {
    await this.jobs.releaseLeases(owner);
  }

  async done(key: string, outcome: string): Promise<boolean> {
    return this.jobs.complete(key, { state: 'done', outcome });
  }

  /** Nothing to do any more (the wait ended, the reminder came too late): closed without acting. */
  async skipped(key: string, outcome: string): Promise<boolean> {
    return this.jobs.complete(key, { state: 'skipped', outcome });
  }

  async retryAt(key: string, error: string, due: DueTime): Promise<boolean> {
    return this.jobs.retryAt(key, { error, due });
  }

  async dead(key: string, error: string): Promise<boolean> {
    return this.jobs.giveUp(key, error);
  }

  /** Support's retry of a step given up on: open again from its first attempt, due at `now` (the executor's clock). */
  async retryGivenUp(key: string, now: Date): Promise<boolean> {
    return (await this.jobs.rearm(key, { from: ['dead'], to: 'pending', resetAttempts: true, due: { at: now } })) === 1;
  }

  /** Support closed a step given up on without running it; `outcome` says who and how. */
  async resolveGivenUp(key: string, outcome: string): Promise<boolean> {
    return this.jobs.complete(key, { state: 'skipped', outcome, from: ['dead'] });
  }

  async get(key: string): Promise<AutoReleaseJobRecord | null> {
    const { rows } = await this.db.query<RecordRow>(`select ${recordColumns} from auto_release_jobs where job_key = $1`, [key]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Steps given up on, the most recently given up first. */
  async givenUp(limit: number): Promise<AutoReleaseJobRecord[]> {
    const { rows } = await this.db.query<RecordRow>(
      `select ${recordColumns} from auto_release_jobs where status = 'dead' order by updated_at desc, job_key limit $1`,
      [limit],
    );
    return rows.map(toRecord);
  }

  async forMilestone(contractId: string, milestoneId: string): Promise<AutoReleaseJobRecord[]> {
    const { rows } = await this.db.query<RecordRow>(
      `select ${recordColumns} from auto_release_jobs where contract_id = $1 and milestone_id = $2 order by pending_since, days_before desc`,
      [contractId, milestoneId],
    );
    return rows.map(toRecord);
  }
}

function toRecord(row: RecordRow): AutoReleaseJobRecord {
  return { ...toJob(row), status: row.status, outcome: row.outcome, lastError: row.last_error, updatedAt: row.updated_at };
}

function toJob(row: JobRow): AutoReleaseJob {
  return {
    key: row.job_key,
    causeEventId: row.cause_event_id,
    daysBefore: row.days_before,
    contractId: row.contract_id,
    milestoneId: row.milestone_id,
    correlationId: row.correlation_id,
    pendingSince: row.pending_since,
    dueAt: row.due_at,
    attempts: row.attempts,
  };
}
