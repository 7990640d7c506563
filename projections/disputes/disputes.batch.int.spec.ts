import type { ContractEvent } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import {
  M1,
  M2,
  chargebackClosed,
  chargebackDisputed,
  chargebackOpened,
  contractAt,
  contractWith,
  disputeResolved,
  milestoneAt,
  supportNoteAdded,
} from '../../libs/domain/src/testing/contract-fixtures';
import { describeEachDatabase, withDatabase } from '../../test/support/databases';
import { applyInBatches, emptyReadModel } from '../../test/support/projection-batches';
import { dumpTables } from '../payment-history/testing/mixed-events';
import { disputesProjection } from './disputes.projection';
import { findDisputes } from './disputes.query';
import { recordedContract } from './testing/dispute-events';

/** Contracts interleaved in one log: every way a dispute opens and closes. */
function mixedLog(): RecordedEvent[] {
  const histories: ContractEvent[][] = [
    [...contractWith(milestoneAt.disputed(M1), milestoneAt.disputed(M2)), disputeResolved('split', M1, { trainer: 6_000, refund: 9_000, fee: 600, net: 5_400 }), supportNoteAdded(M1)],
    [...contractAt('funded'), chargebackDisputed('funded', 4_000), chargebackClosed('won', 'funded', null, 4_000)],
    [...contractAt('paid'), chargebackOpened('paid')],
    [...contractAt('disputed'), chargebackOpened('disputed'), supportNoteAdded(), supportNoteAdded(M1, 'note_2')],
    contractAt('paid'),
  ];
  const streams = histories.map((events, i) => recordedContract(`c_${i}`, events, i * 7));
  // Interleave round-robin, then renumber positions in log order.
  const log: RecordedEvent[] = [];
  for (let k = 0; streams.some((s) => k < s.length); k++) for (const s of streams) if (k < s.length) log.push(s[k]!);
  return log.map((e, n) => ({ ...e, position: `${String(n + 1).padStart(20, '0')}-${String(n).padStart(20, '0')}` }));
}

describeEachDatabase('disputes applyBatch', (target) => {
  const log = mixedLog();
  const database = withDatabase(target);

  async function project(size: number | readonly number[]) {
    await emptyReadModel(database.db, disputesProjection);
    await applyInBatches(database.db, disputesProjection, log, size);
    return dumpTables(database.db, disputesProjection.tables);
  }

  let perEvent: Record<string, unknown[]>;
  beforeAll(async () => {
    perEvent = await project(1);
  });

  it('one event per batch: one row per dispute, queued oldest first', async () => {
    expect(perEvent.dispute_contracts).toHaveLength(5);
    expect(perEvent.dispute_queue).toHaveLength(5);
    await emptyReadModel(database.db, disputesProjection);
    await applyInBatches(database.db, disputesProjection, log, 1);
    const db: SqlDb = database.db;
    const all = await findDisputes(db, { status: null, openedBefore: null, limit: 100 });
    expect(all.map((d) => d.openedAt)).toEqual([...all.map((d) => d.openedAt)].sort());
    expect(all.map((d) => [d.contractId, d.milestoneId, d.status, d.outcome, d.chargeback, d.notes])).toEqual([
      ['c_0', M1, 'resolved', 'split', false, 1],
      ['c_0', M2, 'open', null, false, 0],
      ['c_1', M1, 'resolved', 'chargeback_won', true, 0],
      ['c_2', M1, 'open', null, true, 0],
      ['c_3', M1, 'open', null, true, 2],
    ]);
    const open = await findDisputes(db, { status: 'open', openedBefore: null, limit: 100 });
    expect(open.map((d) => d.contractId)).toEqual(['c_0', 'c_2', 'c_3']);
    const older = await findDisputes(db, { status: 'open', openedBefore: all[3]!.openedAt, limit: 100 });
    expect(older.map((d) => d.contractId)).toEqual(['c_0']);
    expect((await findDisputes(db, { status: null, openedBefore: null, limit: 2 })).map((d) => d.contractId)).toEqual(['c_0', 'c_0']);
  });

  it.each([2, 7, [3, 1, 5], log.length])('batches of %p write exactly the rows of one event per batch', async (size) => {
    expect(await project(size)).toEqual(perEvent);
  });
});
