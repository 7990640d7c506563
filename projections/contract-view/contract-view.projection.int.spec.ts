import { randomUUID } from 'node:crypto';
import { usd, type ContractEvent } from '@escrow/domain';
import { encodePosition, type RecordedEvent } from '@escrow/event-store';
import { ensureCheckpointSchema, readCheckpoint, writeCheckpoint } from '@escrow/projector';
import { migrate, type SqlDb } from '@escrow/sql';
import { describeEachDatabase } from '../../test/support/databases';
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
  it.each([1, 7, 500])('applied in batches of %i gives exactly the rows of event-by-event application', async (size) => {
    const events = history();
    const [single, batched] = [await target.open(), await target.open()];
    const rows = async (db: SqlDb) => (await db.query('select * from contract_view order by contract_id')).rows;
    try {
      for (const db of [single, batched]) await migrate(db, 'contract_view_test', contractViewProjection.schema);
      for (const event of events) await single.transaction((tx) => contractViewProjection.applyBatch(tx, [event]));
      for (let i = 0; i < events.length; i += size) {
        await batched.transaction((tx) => contractViewProjection.applyBatch(tx, events.slice(i, i + size)));
      }
      const expected = await rows(single);
      expect(expected).toHaveLength(3);
      expect(expected.map((r) => (r.doc as { status: string }).status)).toEqual(['archived', 'archived', 'archived']);
      expect(await rows(batched)).toEqual(expected);
    } finally {
      await single.close();
      await batched.close();
    }
  });

  it('a table written before it kept the domain state is emptied and its checkpoint moved back, so it is replayed', async () => {
    const db = await target.open();
    try {
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
    } finally {
      await db.close();
    }
  });
});
