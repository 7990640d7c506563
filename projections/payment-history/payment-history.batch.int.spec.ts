import { InvariantViolation } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import type { SqlDb, SqlExecutor } from '@escrow/sql';
import { describeEachDatabase } from '../../test/support/databases';
import { evolvePaymentHistory, toHistoryEvent } from './payment-history.evolve';
import { findPaymentHistory, paymentHistoryProjection, paymentHistorySchema } from './payment-history.projection';
import { dumpTables, mixedContractLog } from './testing/mixed-events';

/** The oracle: the projection written event by event, with its SQL per event; `applyBatch` must match it. */
async function oracleApply(tx: SqlExecutor, recorded: RecordedEvent): Promise<void> {
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
}

type Mode = { readonly name: string; run(db: SqlDb, events: readonly RecordedEvent[]): Promise<void> };

const oneByOne = (name: string, apply: (tx: SqlExecutor, e: RecordedEvent) => Promise<void>): Mode => ({
  name,
  async run(db, events) {
    await db.transaction(async (tx) => {
      for (const event of events) await apply(tx, event);
    });
  },
});
const batched = (size: number): Mode => ({
  name: `applyBatch in batches of ${size}`,
  async run(db, events) {
    for (let i = 0; i < events.length; i += size) await db.transaction((tx) => paymentHistoryProjection.applyBatch!(tx, events.slice(i, i + size)));
  },
});

describeEachDatabase('payment-history applyBatch', (target) => {
  const log = mixedContractLog(60);
  let reference: Record<string, unknown[]>;
  beforeAll(async () => {
    reference = await project(oneByOne('oracle', oracleApply), log);
  });

  async function project(mode: Mode, events: readonly RecordedEvent[]) {
    const db = await target.open();
    try {
      await db.exec(paymentHistorySchema);
      await mode.run(db, events);
      return await dumpTables(db, paymentHistoryProjection.tables);
    } finally {
      await db.close();
    }
  }

  it('the log is realistic: many contracts and every payment event type', () => {
    expect(log.length).toBeGreaterThan(1_000);
    const types = new Set(log.map((e) => e.type));
    for (const type of ['ContractCreated', 'MilestoneCreated', 'MilestoneApproved', 'MilestoneDisputeResolved', 'MilestonePayoutCompleted', 'MilestoneRefunded']) {
      expect(types).toContain(type);
    }
  });

  it.each([oneByOne('apply event by event', (tx, e) => paymentHistoryProjection.apply(tx, e)), batched(1), batched(7), batched(500), batched(2_000)])(
    'writes exactly the rows of the per-event implementation: $name',
    async (mode) => {
      expect(reference.payment_history!.length).toBe(60);
      expect(await project(mode, log)).toEqual(reference);
    },
  );

  it('continues a read model written earlier (state loaded from the table, not only from the batch)', async () => {
    const half = Math.floor(log.length / 2);
    const mixed: Mode = {
      name: 'oracle then batches',
      async run(db, events) {
        await oneByOne('oracle', oracleApply).run(db, events.slice(0, half));
        await batched(333).run(db, events.slice(half));
      },
    };
    expect(await project(mixed, log)).toEqual(reference);
  });

  it('fails loudly on the same broken event, with the same message', async () => {
    const broken = log.slice(0, 400);
    const payoutIndex = broken.findIndex((e) => e.type === 'MilestonePayoutCompleted');
    // A second payout of the same milestone, in the middle of a batch.
    const bad = [...broken.slice(0, payoutIndex + 3), { ...broken[payoutIndex]!, position: 'x' }, ...broken.slice(payoutIndex + 3)];
    const failure = async (mode: Mode) => {
      const error = await project(mode, bad).then(() => null, (e: unknown) => e);
      expect(error).toBeInstanceOf(InvariantViolation);
      return (error as Error).message;
    };
    const expected = await failure(oneByOne('oracle', oracleApply));
    expect(expected).toMatch(/is paid out once/);
    expect(await failure(batched(500))).toBe(expected);
    expect(await failure(batched(7))).toBe(expected);
  });
});
