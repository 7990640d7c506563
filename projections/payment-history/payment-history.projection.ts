import type { RecordedEvent } from '@escrow/event-store';
import type { Projection } from '@escrow/projector';
import type { SqlExecutor } from '@escrow/sql';
import { evolvePaymentHistory, toHistoryEvent, type PaymentHistory } from './payment-history.evolve';

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
  async apply(tx: SqlExecutor, recorded: RecordedEvent) {
    // Most events (funding requests, failures, cancellations) do not touch payments: no I/O for them.
    const historyEvent = toHistoryEvent(recorded);
    if (!historyEvent) return;
    const current = await findPaymentHistory(tx, historyEvent.event.data.contractId);
    const history = evolvePaymentHistory(current, historyEvent);
    await tx.query(
      `insert into payment_history (contract_id, employer_id, trainer_id, doc, position, updated_at)
       values ($1, $2, $3, $4::jsonb, $5, $6)
       on conflict (contract_id) do update set doc = excluded.doc, position = excluded.position, updated_at = excluded.updated_at`,
      [history.contractId, history.employerId, history.trainerId, JSON.stringify(history), history.position, history.updatedAt],
    );
  },
};

export async function findPaymentHistory(db: SqlExecutor, contractId: string): Promise<PaymentHistory | null> {
  const { rows } = await db.query<{ doc: PaymentHistory }>('select doc from payment_history where contract_id = $1', [contractId]);
  return rows[0]?.doc ?? null;
}
