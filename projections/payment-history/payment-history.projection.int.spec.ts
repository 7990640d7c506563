import { randomUUID } from 'node:crypto';
import { contractStream, usd, type ContractEvent } from '@escrow/domain';
import { PostgresEventStore } from '@escrow/event-store';
import { ProjectorRunner, writeCheckpoint } from '@escrow/projector';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../test/support/databases';
import { catchUpToCommitted } from '../../test/support/catch-up';
import { findPaymentHistory, paymentHistoryProjection } from './payment-history.projection';
import { paymentHistoryResponse } from './payment-history.response';

const contractId = 'c_int';
const ref = (milestoneId: string) => ({ contractId, milestoneId });
const events: ContractEvent[] = [
  { type: 'ContractCreated', data: { contractId, employerId: 'emp_1', trainerId: 'tr_1', projectName: 'Eval' } },
  { type: 'MilestoneCreated', data: { ...ref('m1'), name: 'Batch 1', description: null, amount: usd(15_000), dueDate: null } },
  { type: 'MilestoneCreated', data: { ...ref('m2'), name: 'Batch 2', description: null, amount: usd(20_000), dueDate: null } },
  { type: 'MilestoneFunded', data: { ...ref('m1'), amount: usd(15_000), paymentIntentId: 'pi_1', chargeId: 'ch_1' } },
  { type: 'MilestoneApproved', data: { ...ref('m1'), trainerId: 'tr_1', amount: usd(15_000), fee: usd(1_500), net: usd(13_500), feeBps: 1000, chargeId: 'ch_1', reason: 'employer' } },
  { type: 'MilestonePayoutCompleted', data: { ...ref('m1'), trainerId: 'tr_1', amount: usd(13_500), transferId: 'tr_x1', destinationAccountId: 'acct_1' } },
  {
    type: 'MilestoneDisputeResolved',
    data: {
      ...ref('m2'), resolution: 'split', trainerId: 'tr_1', trainerAmount: usd(5_000), refundAmount: usd(15_000),
      fee: usd(500), net: usd(4_500), feeBps: 1000, chargeId: 'ch_2', note: 'half done',
    },
  },
  { type: 'MilestoneRefunded', data: { ...ref('m2'), amount: usd(15_000), refundId: 're_1', chargeId: 'ch_2' } },
];

describeEachDatabase('payment-history projection', (target) => {
  const database = withDatabase(target);
  let db: SqlDb;
  let store: PostgresEventStore;

  beforeAll(async () => {
    db = database.db;
    store = await PostgresEventStore.open(db);
    database.onClose(() => store.close());
    const toAppend = events.map((event, i) => ({
      eventId: randomUUID(),
      type: event.type,
      data: event.data,
      metadata: { occurredAt: `2026-03-01T10:0${i}:00.000Z` },
    }));
    await store.append(contractStream(contractId), toAppend, 'no_stream');
  });

  async function project() {
    const runner = new ProjectorRunner(store, db, paymentHistoryProjection);
    await runner.prepare();
    return catchUpToCommitted(runner, store);
  }

  it('keeps one row per contract with its releases and refunds, read back as the public shape', async () => {
    expect(await project()).toBe(events.length);
    const history = await findPaymentHistory(db, contractId);
    expect(history).not.toBeNull();
    const body = paymentHistoryResponse(history!);
    expect(body.payments).toEqual([
      expect.objectContaining({ milestoneId: 'm1', milestoneName: 'Batch 1', status: 'paid', amount: '150.00', fee: '15.00', net: '135.00', transferId: 'tr_x1', paidAt: '2026-03-01T10:05:00.000Z', approvedAt: '2026-03-01T10:04:00.000Z' }),
      expect.objectContaining({ milestoneId: 'm2', milestoneName: 'Batch 2', status: 'approved', amount: '50.00', fee: '5.00', net: '45.00', resolution: 'split', paidAt: null, transferId: null }),
    ]);
    expect(body.refunds).toEqual([expect.objectContaining({ milestoneId: 'm2', amount: '150.00', refundId: 're_1' })]);
    const { rows } = await db.query<{ employer_id: string; trainer_id: string }>('select employer_id, trainer_id from payment_history');
    expect(rows).toEqual([{ employer_id: 'emp_1', trainer_id: 'tr_1' }]);
  });

  it('answers null for an unknown contract', async () => {
    expect(await findPaymentHistory(db, 'c_unknown')).toBeNull();
  });

  it('rebuilds to the same read model from position 0', async () => {
    const before = await findPaymentHistory(db, contractId);
    await db.transaction(async (tx) => {
      for (const table of paymentHistoryProjection.tables) await tx.query(`delete from ${table}`);
      await writeCheckpoint(tx, paymentHistoryProjection.name, null);
    });
    expect(await findPaymentHistory(db, contractId)).toBeNull();
    expect(await project()).toBe(events.length);
    expect(await findPaymentHistory(db, contractId)).toEqual(before);
  });
});
