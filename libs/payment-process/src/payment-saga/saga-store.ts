import { migrate, type SqlDb } from '@escrow/sql';

export const sagaSchema = `
create table if not exists saga_payouts (
  contract_id     text not null,
  milestone_id    text not null,
  trainer_id      text not null,
  attempts        int not null,
  last_reason     text,
  next_attempt_at timestamptz not null,
  primary key (contract_id, milestone_id)
);
create index if not exists saga_payouts_due on saga_payouts (next_attempt_at);
create table if not exists saga_dead_letters (
  id           bigserial primary key,
  event_id     uuid not null,
  event_type   text not null,
  contract_id  text,
  milestone_id text,
  error        text not null,
  created_at   timestamptz not null default now(),
  resolved_at  timestamptz
);`;

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

/** The saga's own durable state: payouts waiting for a retry, and work that needs a person. */
export class SagaStore {
  constructor(private readonly db: SqlDb) {}

  async prepare(): Promise<void> {
    await migrate(this.db, 'saga_schema', sagaSchema);
  }

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
    await this.db.query('delete from saga_payouts where contract_id = $1 and milestone_id = $2', [contractId, milestoneId]);
  }

  /** A payout account appeared: its waiting payouts need not sit out their backoff. */
  async payoutsDueNowFor(trainerId: string): Promise<void> {
    await this.db.query('update saga_payouts set next_attempt_at = now() where trainer_id = $1', [trainerId]);
  }

  /** Takes due payouts and pushes each one's next attempt out by `leaseMs`, so no two loops take it. */
  async takeDuePayouts(limit: number, leaseMs: number): Promise<DuePayout[]> {
    return this.db.transaction(async (tx) => {
      const { rows } = await tx.query<{ contract_id: string; milestone_id: string }>(
        `select contract_id, milestone_id from saga_payouts where next_attempt_at <= now()
         order by next_attempt_at limit $1 for update skip locked`,
        [limit],
      );
      for (const row of rows) {
        await tx.query(
          `update saga_payouts set next_attempt_at = now() + make_interval(secs => $3::double precision / 1000)
           where contract_id = $1 and milestone_id = $2`,
          [row.contract_id, row.milestone_id, leaseMs],
        );
      }
      return rows.map((row) => ({ contractId: row.contract_id, milestoneId: row.milestone_id }));
    });
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
