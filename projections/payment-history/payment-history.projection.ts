import { domainEventOf } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import type { Projection } from '@escrow/projector';
import type { SqlExecutor } from '@escrow/sql';
import { evolvePaymentHistory, paymentHistoryEventTypes, toHistoryEvent, type PaymentHistory } from './payment-history.evolve';

/** One row per contract: its parties (for access checks) and its payments, as one document. */
export const paymentHistorySchema = `
create table if not exists payment_history (
  contract_id  text primary key,
  employer_id  text not null,
  trainer_id   text not null,
  doc          jsonb not null,
  position     text not null,
  updated_at   timestamptz not null
);
create index if not exists payment_history_employer on payment_history (employer_id);
create index if not exists payment_history_trainer on payment_history (trainer_id);
`;

export const paymentHistoryProjection: Projection = {
  name: 'payment-history',
  schema: paymentHistorySchema,
  tables: ['payment_history'],
  applyBatch: applyPaymentHistoryBatch,
};

/**
 * The same effect as applying each event in order, in at most two statements: load every
 * contract the batch touches, fold the events in memory, write each changed contract once.
 */
async function applyPaymentHistoryBatch(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void> {
  // Most events (funding requests, failures, cancellations) do not touch payments: no I/O for them.
  const contractIds = new Set<string>();
  for (const recorded of events) {
    const contractId = contractIdOf(recorded);
    if (contractId !== null) contractIds.add(contractId);
  }
  if (contractIds.size === 0) return;
  const histories = await findPaymentHistories(tx, [...contractIds]);
  // Last state per contract wins: one upsert must not touch a row twice.
  const changed = new Map<string, PaymentHistory>();
  for (const recorded of events) {
    const historyEvent = toHistoryEvent(recorded);
    if (!historyEvent) continue;
    const contractId = historyEvent.event.data.contractId;
    const history = evolvePaymentHistory(histories.get(contractId) ?? null, historyEvent);
    histories.set(contractId, history);
    changed.set(contractId, history);
  }
  if (changed.size === 0) return;
  const rows = [...changed.values()];
  await tx.query(
    `insert into payment_history (contract_id, employer_id, trainer_id, doc, position, updated_at)
     select contract_id, employer_id, trainer_id, doc::jsonb, position, updated_at::timestamptz
       from unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::text[])
         as x(contract_id, employer_id, trainer_id, doc, position, updated_at)
     on conflict (contract_id) do update set doc = excluded.doc, position = excluded.position, updated_at = excluded.updated_at`,
    [
      rows.map((h) => h.contractId),
      rows.map((h) => h.employerId),
      rows.map((h) => h.trainerId),
      rows.map((h) => JSON.stringify(h)),
      rows.map((h) => h.position),
      rows.map((h) => h.updatedAt),
    ],
  );
}

/** The contract a payment event concerns (null for other events), without asserting anything yet. */
function contractIdOf(recorded: RecordedEvent): string | null {
  return domainEventOf(recorded, paymentHistoryEventTypes)?.data.contractId ?? null;
}

async function findPaymentHistories(db: SqlExecutor, contractIds: readonly string[]): Promise<Map<string, PaymentHistory>> {
  const { rows } = await db.query<{ contract_id: string; doc: PaymentHistory }>(
    'select contract_id, doc from payment_history where contract_id = any($1::text[])',
    [contractIds],
  );
  return new Map(rows.map((row) => [row.contract_id, row.doc]));
}

export async function findPaymentHistory(db: SqlExecutor, contractId: string): Promise<PaymentHistory | null> {
  const { rows } = await db.query<{ doc: PaymentHistory }>('select doc from payment_history where contract_id = $1', [contractId]);
  return rows[0]?.doc ?? null;
}
