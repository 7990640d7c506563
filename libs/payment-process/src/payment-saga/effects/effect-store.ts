import { JobQueue, type JobTable } from '@escrow/jobs';
import type { SqlDb } from '@escrow/sql';

export type EffectKind = 'charge' | 'transfer' | 'refund';
export type EffectStatus = 'pending' | 'done' | 'dead';

/**
 * One money movement the saga owes the provider, persisted before it is attempted: the request
 * (without its key), the idempotency key it is always sent under, and what caused it.
 */
export interface NewEffect {
  readonly key: string;
  readonly kind: EffectKind;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly causeEventId: string;
  readonly causeEventType: string;
  readonly correlationId: string;
  readonly request: Record<string, unknown>;
}

export interface Effect extends NewEffect {
  readonly status: EffectStatus;
  readonly attempts: number;
  readonly nextAttemptAt: string;
  /** When the key was first sent: the provider forgets keys after 24 hours. */
  readonly firstAttemptedAt: string | null;
  readonly lastError: string | null;
  readonly outcome: unknown;
  readonly createdAt: string;
  readonly updatedAt: string;
}

interface EffectRow {
  idempotency_key: string;
  kind: EffectKind;
  contract_id: string;
  milestone_id: string;
  cause_event_id: string;
  cause_event_type: string;
  correlation_id: string;
  request: Record<string, unknown>;
  status: EffectStatus;
  attempts: number;
  next_attempt_at: string;
  first_attempted_at: string | null;
  last_error: string | null;
  outcome: unknown;
  created_at: string;
  updated_at: string;
}

const columns = `idempotency_key, kind, contract_id, milestone_id, cause_event_id::text as cause_event_id, cause_event_type,
  correlation_id, request, status, attempts, next_attempt_at::text as next_attempt_at,
  first_attempted_at::text as first_attempted_at, last_error, outcome, created_at::text as created_at, updated_at::text as updated_at`;

/** The lifecycle columns of `saga_effects`, for the job queue. */
export const effectJobs: JobTable = {
  table: 'saga_effects',
  key: ['idempotency_key'],
  dueAt: { column: 'next_attempt_at' },
  attempts: 'attempts',
  error: 'last_error',
  updatedAt: 'updated_at',
  outcome: { column: 'outcome', cast: 'jsonb' },
  order: 'next_attempt_at, created_at',
  states: { column: 'status', open: ['pending'], failed: 'pending', dead: 'dead' },
  lease: { kind: 'owner', until: 'leased_until', owner: 'lease_owner' },
};

/** The saga's pending effects: a durable queue with leases, retries and a dead end for people. */
export class EffectStore {
  private readonly jobs: JobQueue;

  constructor(private readonly db: SqlDb) {
    this.jobs = new JobQueue(db, effectJobs);
  }


  /** Persists an effect once: handling the same event again (after a crash) finds it there. */
  async enqueue(effect: NewEffect): Promise<void> {
    await this.db.query(
      `insert into saga_effects (idempotency_key, kind, contract_id, milestone_id, cause_event_id, cause_event_type, correlation_id, request)
       values ($1, $2, $3, $4, $5::uuid, $6, $7, $8::jsonb) on conflict (idempotency_key) do nothing`,
      [effect.key, effect.kind, effect.contractId, effect.milestoneId, effect.causeEventId, effect.causeEventType, effect.correlationId, JSON.stringify(effect.request)],
    );
  }

  /**
   * Leases due effects to `owner`. A lease that ran out (its process died) makes the effect
   * takeable again; the same key then makes the retry safe.
   */
  async take(owner: string, limit: number, leaseMs: number): Promise<Effect[]> {
    const rows = await this.jobs.claim<EffectRow>({
      limit,
      owner,
      leaseMs,
      returning: columns,
      alsoSet: 'first_attempted_at = coalesce(first_attempted_at, now())',
    });
    return rows.map(toEffect);
  }

  /** Runs `work` (a provider call) while keeping this owner's leases alive. */
  whileLeased<T>(owner: string, leaseMs: number, work: () => Promise<T>, onRenewalFailure: (error: unknown) => void): Promise<T> {
    return this.jobs.whileLeased(owner, leaseMs, work, onRenewalFailure);
  }

  /** A stopping process hands its effects back at once instead of letting their leases run out. */
  async releaseLeases(owner: string): Promise<void> {
    await this.jobs.releaseLeases(owner);
  }

  async done(key: string, outcome: unknown): Promise<void> {
    await this.jobs.complete(key, { state: 'done', outcome });
  }

  async retryLater(key: string, error: string, delayMs: number): Promise<void> {
    await this.jobs.retryAt(key, { error, due: { afterMs: delayMs } });
  }

  async dead(key: string, error: string): Promise<void> {
    await this.jobs.giveUp(key, error);
  }

  /** Support's retry of a dead effect: again from the first attempt, under the same key. */
  async retryNow(key: string): Promise<boolean> {
    return (await this.jobs.rearm(key, { from: ['dead'], to: 'pending', resetAttempts: true })) === 1;
  }

  /**
   * Support settled a dead effect outside the saga (the refund was made at the provider by hand):
   * done, with what settled it as its outcome. False when it is no longer dead (retried meanwhile).
   */
  async settle(key: string, outcome: unknown): Promise<boolean> {
    return this.jobs.complete(key, { state: 'done', outcome, from: ['dead'] });
  }

  async get(key: string): Promise<Effect | null> {
    const { rows } = await this.db.query<EffectRow>(`select ${columns} from saga_effects where idempotency_key = $1`, [key]);
    return rows[0] ? toEffect(rows[0]) : null;
  }

  async list(filter: { status: EffectStatus; limit: number }): Promise<Effect[]> {
    const { rows } = await this.db.query<EffectRow>(
      `select ${columns} from saga_effects where status = $1 order by updated_at desc, idempotency_key limit $2`,
      [filter.status, filter.limit],
    );
    return rows.map(toEffect);
  }

  /** Pending effects that have been retried at least once: slow, but not given up on yet. */
  async retrying(limit: number): Promise<Effect[]> {
    const { rows } = await this.db.query<EffectRow>(
      `select ${columns} from saga_effects where status = 'pending' and attempts > 0 order by next_attempt_at limit $1`,
      [limit],
    );
    return rows.map(toEffect);
  }
}

function toEffect(row: EffectRow): Effect {
  return {
    key: row.idempotency_key,
    kind: row.kind,
    contractId: row.contract_id,
    milestoneId: row.milestone_id,
    causeEventId: row.cause_event_id,
    causeEventType: row.cause_event_type,
    correlationId: row.correlation_id,
    request: row.request,
    status: row.status,
    attempts: row.attempts,
    nextAttemptAt: row.next_attempt_at,
    firstAttemptedAt: row.first_attempted_at,
    lastError: row.last_error,
    outcome: row.outcome,
    createdAt: row.created_at,
    updatedAt: row.updated_at,
  };
}
