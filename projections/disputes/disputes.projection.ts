import type { RecordedEvent } from '@escrow/event-store';
import type { Projection } from '@escrow/projector';
import type { SqlExecutor } from '@escrow/sql';
import { evolveDisputes, toDisputeEvent, type ContractDisputes, type DisputeEntry } from './disputes.evolve';

/**
 * `dispute_contracts` keeps what the fold needs per contract (parties, milestone amounts, its
 * disputes); `dispute_queue` is the same disputes, one row each, for the queue's filters and
 * order. Times are ISO strings in UTC with milliseconds (string order is time order).
 */
export const disputesSchema = `
create table if not exists dispute_contracts (
  contract_id  text primary key,
  doc          jsonb not null
);
create table if not exists dispute_queue (
  dispute_key    text primary key,
  contract_id    text not null,
  milestone_id   text not null,
  employer_id    text not null,
  trainer_id     text not null,
  amount_cents   bigint not null,
  reason         text not null,
  opened_by      text not null,
  opened_at      text not null,
  chargeback     boolean not null,
  chargeback_id  text,
  status         text not null,
  outcome        text,
  resolved_at    text,
  notes          integer not null,
  position       text not null
);
create index if not exists dispute_queue_status_opened on dispute_queue (status, opened_at, dispute_key);
create index if not exists dispute_queue_contract on dispute_queue (contract_id);
`;

export const disputesProjection: Projection = {
  name: 'disputes',
  schema: disputesSchema,
  tables: ['dispute_contracts', 'dispute_queue'],
  applyBatch: applyDisputesBatch,
};

/** Load the touched contracts, fold the batch in memory, write each changed contract once (its doc and its rows). */
async function applyDisputesBatch(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
  const disputeEvents = events.map(toDisputeEvent).filter((e) => e !== null);
  if (disputeEvents.length === 0) return;
  const ids = [...new Set(disputeEvents.map((e) => e.event.data.contractId))];
  const { rows } = await tx.query<{ contract_id: string; doc: ContractDisputes }>(
    'select contract_id, doc from dispute_contracts where contract_id = any($1::text[])',
    [ids],
  );
  const contracts = new Map<string, ContractDisputes | null>(rows.map((row) => [row.contract_id, row.doc]));
  const changed = new Map<string, ContractDisputes>();
  for (const disputeEvent of disputeEvents) {
    const contractId = disputeEvent.event.data.contractId;
    const next = evolveDisputes(contracts.get(contractId) ?? null, disputeEvent);
    contracts.set(contractId, next);
    changed.set(contractId, next);
  }
  const docs = [...changed.values()];
  await tx.query(
    `insert into dispute_contracts (contract_id, doc)
     select contract_id, doc::jsonb from unnest($1::text[], $2::text[]) as x(contract_id, doc)
     on conflict (contract_id) do update set doc = excluded.doc`,
    [docs.map((d) => d.contractId), docs.map((d) => JSON.stringify(d))],
  );
  const entries: DisputeEntry[] = docs.flatMap((d) => d.disputes);
  if (entries.length === 0) return;
  const column = <T>(pick: (e: DisputeEntry) => T) => entries.map(pick);
  await tx.query(
    `insert into dispute_queue (dispute_key, contract_id, milestone_id, employer_id, trainer_id, amount_cents, reason, opened_by, opened_at,
                                chargeback, chargeback_id, status, outcome, resolved_at, notes, position)
     select * from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::bigint[], $7::text[], $8::text[], $9::text[],
                          $10::boolean[], $11::text[], $12::text[], $13::text[], $14::text[], $15::integer[], $16::text[])
     on conflict (dispute_key) do update set
       amount_cents = excluded.amount_cents, chargeback = excluded.chargeback, status = excluded.status, outcome = excluded.outcome,
       resolved_at = excluded.resolved_at, notes = excluded.notes, position = excluded.position`,
    [
      column((e) => e.disputeKey),
      column((e) => e.contractId),
      column((e) => e.milestoneId),
      column((e) => e.employerId),
      column((e) => e.trainerId),
      column((e) => e.amountCents),
      column((e) => e.reason),
      column((e) => e.openedBy),
      column((e) => e.openedAt),
      column((e) => e.chargeback),
      column((e) => e.chargebackId),
      column((e) => e.status),
      column((e) => e.outcome),
      column((e) => e.resolvedAt),
      column((e) => e.notes),
      column((e) => e.position),
    ],
  );
}
