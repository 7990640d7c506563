import { randomUUID } from 'node:crypto';
import { usd, type ContractEvent } from '@escrow/domain';
import { encodePosition, type RecordedEvent } from '@escrow/event-store';
import { ensureCheckpointSchema, readCheckpoint, writeCheckpoint } from '@escrow/projector';
import { migrate } from '@escrow/sql';
import { describeEachDatabase, emptySchema, withDatabase } from '../../test/support/databases';
import { applyInBatches } from '../../test/support/projection-batches';
import { contractViewProjection } from './contract-view.projection';

/** Three contracts' lives interleaved: a paid milestone, a declined-then-cancelled one, a split dispute. */
function history(): RecordedEvent[] {
  const events: ContractEvent[] = [];
  for (let c = 0; c < 3; c++) {
    const contractId = randomUUID();
    const m = randomUUID();
    const ref = { contractId, milestoneId: m };
    const amount = usd(10_000 + c);
    events.push(
      { type: 'ContractCreated', data: { contractId, employerId: 'emp', trainerId: 'tr', projectName: `P${c}` } },
      { type: 'MilestoneCreated', data: { ...ref, name: 'M', description: null, amount, dueDate: null } },
      { type: 'MilestoneFundingRequested', data: { ...ref, employerId: 'emp', amount, customerId: 'cus', paymentMethodId: 'pm' } },
      { type: 'MilestoneFundingFailed', data: { ...ref, reason: 'declined', declineCode: 'generic_decline', paymentIntentId: null } },
      { type: 'MilestoneFundingRequested', data: { ...ref, employerId: 'emp', amount, customerId: 'cus', paymentMethodId: 'pm' } },
      { type: 'MilestoneFunded', data: { ...ref, amount, paymentIntentId: `pi_${c}`, chargeId: `ch_${c}` } },
      { type: 'MilestoneDisputed', data: { ...ref, disputedBy: 'trainer', reason: 'late', previousStatus: 'funded', chargeback: null } },
      {
        type: 'MilestoneDisputeResolved',
        data: { ...ref, resolution: 'split', trainerId: 'tr', trainerAmount: usd(4_000), refundAmount: usd(6_000 + c), fee: usd(400), net: usd(3_600), feeBps: 1_000, chargeId: `ch_${c}`, note: 'n' },
      },
      { type: 'MilestoneRefunded', data: { ...ref, amount: usd(6_000 + c), refundId: `re_${c}`, chargeId: `ch_${c}` } },
      { type: 'MilestonePayoutCompleted', data: { ...ref, trainerId: 'tr', amount: usd(3_600), transferId: `tr_${c}`, destinationAccountId: 'acct' } },
    );
    const second = { contractId, milestoneId: randomUUID() };
    events.push({ type: 'MilestoneCreated', data: { ...second, name: 'N', description: 'd', amount, dueDate: '2026-12-31' } });
    events.push({ type: 'MilestoneCancelled', data: { ...second, reason: null } });
    events.push({ type: 'ContractArchived', data: { contractId } });
  }
  // Interleave the three contracts so that one batch touches each of them several times.
  const interleaved = events.map((e, i) => ({ e, key: (i % 13) * 3 + Math.floor(i / 13) })).sort((a, b) => a.key - b.key).map((x) => x.e);
  return interleaved.map((event, i) => ({
    eventId: randomUUID(),
    type: event.type,
    data: event.data,
    metadata: { occurredAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString() },
    streamId: `contract-${(event.data as { contractId: string }).contractId}`,
    revision: i,
    position: encodePosition('1000', String(i + 1)),
    recordedAt: new Date(Date.UTC(2026, 10, 1, 0, 0, i)).toISOString(),
  }));
}

describeEachDatabase('contract view projection', (target) => {
  // Emptied before each test: each builds the view from nothing.
  const database = withDatabase(target, { emptyBeforeEach: true });

  /** The view's rows after `events` in batches of `size`, from an empty schema. */
  async function viewRows(events: readonly RecordedEvent[], size: number) {
    const db = database.db;
    await emptySchema(db);
    await migrate(db, 'contract_view_test', contractViewProjection.schema);
    await applyInBatches(db, contractViewProjection, events, size);
    return (await db.query('select * from contract_view order by contract_id')).rows;
  }

  it('leaves the same rows whatever the batch size (1 is the per-event behaviour)', async () => {
    const events = history();
    const expected = await viewRows(events, 1);
    expect(expected).toHaveLength(3);
    expect(expected.map((r) => (r.doc as { status: string }).status)).toEqual(['archived', 'archived', 'archived']);
    for (const size of [7, 500]) expect({ size, rows: await viewRows(events, size) }).toEqual({ size, rows: expected });
  });

  it('a table written before it kept the domain state is emptied and its checkpoint moved back, so it is replayed', async () => {
    const db = database.db;
    await ensureCheckpointSchema(db);
    await db.exec(`create table contract_view (contract_id text primary key, employer_id text not null, trainer_id text not null,
      status text not null, doc jsonb not null, position text not null, updated_at timestamptz not null)`);
    await db.query(`insert into contract_view values ('c_old', 'emp', 'tr', 'active', '{}', '1', now())`);
    await writeCheckpoint(db, contractViewProjection.name, encodePosition('1000', '1'));
    await migrate(db, 'contract_view_test', contractViewProjection.schema);
    expect((await db.query('select * from contract_view')).rows).toEqual([]);
    expect(await readCheckpoint(db, contractViewProjection.name)).toBeNull();
    // Run again (every start does): the upgraded table and its checkpoint are left alone.
    await contractViewProjection.applyBatch(db, history());
    await writeCheckpoint(db, contractViewProjection.name, encodePosition('1000', '1'));
    await migrate(db, 'contract_view_test', contractViewProjection.schema);
    expect((await db.query('select * from contract_view')).rows).toHaveLength(3);
    expect(await readCheckpoint(db, contractViewProjection.name)).toBe(encodePosition('1000', '1'));
  });
});
