import { JobQueue, type JobTable } from '@escrow/jobs';
import type { SqlDb } from '@escrow/sql';

export interface DeadLetter {
  readonly id: string;
  readonly eventId: string;
  readonly eventType: string;
  readonly contractId: string | null;
  readonly milestoneId: string | null;
  readonly error: string;
  readonly createdAt: string;
}

export interface DuePayout {
  readonly contractId: string;
  readonly milestoneId: string;
}

/**
 * The lifecycle columns of `saga_payouts`, for the job queue. A row is a payout waiting for its
 * next attempt; the saga deletes it when the payout settles. Claiming postpones the row by the
 * lease (the table has no lease columns): the attempt's outcome arrives as an event, which
 * schedules the next retry or settles the payout.
 */
export const payoutJobs: JobTable = {
  table: 'saga_payouts',
  key: ['contract_id', 'milestone_id'],
  dueAt: { column: 'next_attempt_at' },
  attempts: 'attempts',
  error: 'last_reason',
  order: 'next_attempt_at',
  lease: { kind: 'postpone' },
};

/**
 * The saga's own durable state: payouts waiting for a retry, and work that needs a person. The
 * dead letters are not a job queue: nothing works them off or retries them. Each is the record of
 * an outcome a contract refused, kept for a person to settle and mark resolved.
 */
export class SagaStore {
  private readonly payouts: JobQueue;

  constructor(private readonly db: SqlDb) {
    this.payouts = new JobQueue(db, payoutJobs);
  }


  /**
   * Written from the failure event: its attempt number, not a count of its own, so handling the
   * same event again after a crash schedules the same retry.
   */
  async schedulePayoutRetry(p: DuePayout & { trainerId: string; attempts: number; reason: string; delayMs: number }): Promise<void> {
    await this.db.query(
      `insert into saga_payouts (contract_id, milestone_id, trainer_id, attempts, last_reason, next_attempt_at)
       values ($1, $2, $3, $4, $5, now() + make_interval(secs => $6::double precision / 1000))
       on conflict (contract_id, milestone_id) do update set attempts = excluded.attempts,
         last_reason = excluded.last_reason, next_attempt_at = excluded.next_attempt_at`,
      [p.contractId, p.milestoneId, p.trainerId, p.attempts, p.reason, p.delayMs],
    );
  }

  async payoutSettled(contractId: string, milestoneId: string): Promise<void> {
    await this.payouts.complete([contractId, milestoneId]);
  }

  /** A payout account appeared: its waiting payouts need not sit out their backoff. */
  async payoutsDueNowFor(trainerId: string): Promise<void> {
    await this.payouts.rearm({ column: 'trainer_id', equals: trainerId });
  }

  /** Takes due payouts and pushes each one's next attempt out by `leaseMs`, so no two loops take it. */
  async takeDuePayouts(limit: number, leaseMs: number): Promise<DuePayout[]> {
    const rows = await this.payouts.claim<{ contract_id: string; milestone_id: string }>({ limit, leaseMs, returning: 'contract_id, milestone_id' });
    return rows.map((row) => ({ contractId: row.contract_id, milestoneId: row.milestone_id }));
  }

  async deadLetter(entry: { eventId: string; eventType: string; contractId?: string; milestoneId?: string; error: string }): Promise<void> {
    await this.db.query(
      `insert into saga_dead_letters (event_id, event_type, contract_id, milestone_id, error) values ($1::uuid, $2, $3, $4, $5)`,
      [entry.eventId, entry.eventType, entry.contractId ?? null, entry.milestoneId ?? null, entry.error],
    );
  }

  async deadLetters(): Promise<DeadLetter[]> {
    const { rows } = await this.db.query<{ id: string; event_id: string; event_type: string; contract_id: string | null; milestone_id: string | null; error: string; created_at: string }>(
      `select id::text, event_id::text, event_type, contract_id, milestone_id, error, created_at::text
       from saga_dead_letters where resolved_at is null order by id`,
    );
    return rows.map((row) => ({
      id: row.id,
      eventId: row.event_id,
      eventType: row.event_type,
      contractId: row.contract_id,
      milestoneId: row.milestone_id,
      error: row.error,
      createdAt: row.created_at,
    }));
  }

  /** Support looked at it and settled it outside the saga (a refund by hand, say). */
  async resolveDeadLetter(id: string): Promise<boolean> {
    if (!/^\d{1,18}$/.test(id)) return false;
    const { rows } = await this.db.query('update saga_dead_letters set resolved_at = now() where id = $1::bigint and resolved_at is null returning id', [id]);
    return rows.length === 1;
  }
}
