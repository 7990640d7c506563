import type { SqlExecutor } from '@escrow/sql';
import type { DisputeEntry, DisputeOutcome, DisputeStatus } from './disputes.evolve';

export interface DisputeFilter {
  readonly status: DisputeStatus | null;
  /** Only disputes opened strictly before this instant (ISO, UTC, milliseconds). */
  readonly openedBefore: string | null;
  readonly limit: number;
}

interface DisputeRow {
  dispute_key: string;
  contract_id: string;
  milestone_id: string;
  employer_id: string;
  trainer_id: string;
  amount_cents: string | number;
  reason: string;
  opened_by: string;
  opened_at: string;
  chargeback: boolean;
  chargeback_id: string | null;
  status: DisputeStatus;
  outcome: DisputeOutcome | null;
  resolved_at: string | null;
  notes: number;
  position: string;
}

/** The queue, oldest first (opening time, then the opening event's id). */
export async function findDisputes(db: SqlExecutor, filter: DisputeFilter): Promise<DisputeEntry[]> {
  const { rows } = await db.query<DisputeRow>(
    `select * from dispute_queue
      where ($1::text is null or status = $1) and ($2::text is null or opened_at < $2)
      order by opened_at, dispute_key
      limit $3`,
    [filter.status, filter.openedBefore, filter.limit],
  );
  return rows.map((row) => ({
    disputeKey: row.dispute_key,
    contractId: row.contract_id,
    milestoneId: row.milestone_id,
    employerId: row.employer_id,
    trainerId: row.trainer_id,
    amountCents: Number(row.amount_cents),
    reason: row.reason,
    openedBy: row.opened_by,
    openedAt: row.opened_at,
    chargeback: row.chargeback,
    chargebackId: row.chargeback_id,
    status: row.status,
    outcome: row.outcome,
    resolvedAt: row.resolved_at,
    notes: row.notes,
    position: row.position,
  }));
}
