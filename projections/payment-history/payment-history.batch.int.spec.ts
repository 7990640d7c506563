import { InvariantViolation } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../test/support/databases';
import { applyInBatches, emptyReadModel } from '../../test/support/projection-batches';
import { evolvePaymentHistory, toHistoryEvent, type PaymentHistory } from './payment-history.evolve';
import { paymentHistoryProjection } from './payment-history.projection';
import { dumpTables, mixedContractLog } from './testing/mixed-events';

/**
 * `applyBatch` leaves the same rows, and fails with the same message, whatever the batch size:
 * batches of 1 (the per-event behaviour) against larger ones, on one generated log.
 */
describeEachDatabase('payment-history applyBatch', (target) => {
  const log = mixedContractLog(60);
  const database = withDatabase(target);

  /** The rows left by `run` on an empty read model. */
  async function project(run: (db: SqlDb) => Promise<void>) {
    await emptyReadModel(database.db, paymentHistoryProjection);
    await run(database.db);
    return dumpTables(database.db, paymentHistoryProjection.tables);
  }
  const inBatches = (events: readonly RecordedEvent[], size: number | readonly number[]) => (db: SqlDb) =>
    applyInBatches(db, paymentHistoryProjection, events, size);

  let perEvent: Record<string, unknown[]>;
  let perEventDocs: PaymentHistory[];
  beforeAll(async () => {
    perEvent = await project(inBatches(log, 1));
    perEventDocs = (await database.db.query<{ doc: PaymentHistory }>('select doc from payment_history order by contract_id collate "C"')).rows.map((r) => r.doc);
  });

  it('the log is realistic: many contracts and every payment event type', () => {
    expect(log.length).toBeGreaterThan(1_000);
    const types = new Set(log.map((e) => e.type));
    for (const type of ['ContractCreated', 'MilestoneCreated', 'MilestoneApproved', 'MilestoneDisputeResolved', 'MilestonePayoutCompleted', 'MilestoneRefunded']) {
      expect(types).toContain(type);
    }
    expect(perEvent.payment_history).toHaveLength(60);
  });

  it('one event per batch stores, per contract, the pure fold of evolvePaymentHistory over its events', () => {
    const folded = new Map<string, PaymentHistory>();
    for (const recorded of log) {
      const historyEvent = toHistoryEvent(recorded);
      if (!historyEvent) continue;
      const contractId = historyEvent.event.data.contractId;
      folded.set(contractId, evolvePaymentHistory(folded.get(contractId) ?? null, historyEvent));
    }
    const expected = [...folded.values()].sort((a, b) => (a.contractId < b.contractId ? -1 : 1));
    expect(expected.some((h) => h.payments.length > 0 && h.refunds.length > 0)).toBe(true);
    expect(perEventDocs).toEqual(expected);
  });

  it.each([7, 500, log.length])('batches of %i write exactly the rows of one event per batch', async (size) => {
    expect(await project(inBatches(log, size))).toEqual(perEvent);
  });

  it('continues a read model written earlier (state loaded from the table, not only from the batch)', async () => {
    const half = Math.floor(log.length / 2);
    const rows = await project(async (db) => {
      await inBatches(log.slice(0, half), 1)(db);
      await inBatches(log.slice(half), 333)(db);
    });
    expect(rows).toEqual(perEvent);
  });

  it('fails loudly on the same broken event, with the same message', async () => {
    const broken = log.slice(0, 400);
    const payoutIndex = broken.findIndex((e) => e.type === 'MilestonePayoutCompleted');
    // A second payout of the same milestone, in the middle of a batch.
    const bad = [...broken.slice(0, payoutIndex + 3), { ...broken[payoutIndex]!, position: 'x' }, ...broken.slice(payoutIndex + 3)];
    const failure = async (size: number) => {
      const error = await project(inBatches(bad, size)).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(InvariantViolation);
      return (error as Error).message;
    };
    const expected = await failure(1);
    expect(expected).toMatch(/is paid out once/);
    expect(await failure(500)).toBe(expected);
    expect(await failure(7)).toBe(expected);
  });
});
