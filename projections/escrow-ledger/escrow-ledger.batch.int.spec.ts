import { usd, type ContractEvent } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import { foldBalances, postingsOf } from '@escrow/ledger';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../test/support/databases';
import { applyInBatches, emptyReadModel } from '../../test/support/projection-batches';
import { escrowLedgerProjection } from './escrow-ledger.projection';
import { escrowLedgerTables } from './escrow-ledger.schema';

/** Every row of every ledger table, in key order, every column as text. */
const dumps: Record<string, string> = {
  escrow_ledger_transactions: `select transaction_id, position, occurred_at::text, event_id, event_type, contract_id, milestone_id, stripe_reference
                               from escrow_ledger_transactions order by transaction_id collate "C"`,
  escrow_ledger_entries: `select position, entry_index, transaction_id, account, debit_cents::text, credit_cents::text, balance_after_cents::text,
                                 occurred_at::text, event_id, event_type, contract_id, milestone_id, stripe_reference
                          from escrow_ledger_entries order by position, entry_index`,
  escrow_ledger_balances: 'select account, debit_cents::text, credit_cents::text, position from escrow_ledger_balances order by account',
  escrow_ledger_totals: 'select id, debit_cents::text, credit_cents::text from escrow_ledger_totals order by id',
  escrow_ledger_contracts: `select contract_id, employer_id, trainer_id, funded_cents::text, released_cents::text, refunded_cents::text
                            from escrow_ledger_contracts order by contract_id collate "C"`,
};

async function dump(db: SqlDb): Promise<Record<string, unknown[]>> {
  expect(Object.keys(dumps).sort()).toEqual([...escrowLedgerTables].sort());
  const tables: Record<string, unknown[]> = {};
  for (const [table, sql] of Object.entries(dumps)) tables[table] = (await db.query(sql)).rows;
  return tables;
}

/** A deterministic pseudo-random source, so a failure replays. */
function random(seed: number): (n: number) => number {
  let state = seed;
  return (n) => {
    state = (state * 1_103_515_245 + 12_345) % 2_147_483_648;
    return state % n;
  };
}

/**
 * Many contracts' lifecycles interleaved in one log: funding, approvals with and without fees,
 * payouts (some of 0.00), disputes released, split and refunded, cancellations, events that post
 * nothing and events from other streams. Trainers and employers are shared between contracts.
 */
function realisticLog(contracts: number, seed: number): RecordedEvent[] {
  const pick = random(seed);
  const queues: ContractEvent[][] = [];
  for (let c = 0; c < contracts; c++) {
    const contractId = `c${c}`;
    const trainerId = `tr_${pick(4)}`;
    const queue: ContractEvent[] = [
      { type: 'ContractCreated', data: { contractId, employerId: `emp_${pick(5)}`, trainerId, projectName: `P${c}` } },
    ];
    for (let m = 0; m < 1 + pick(4); m++) {
      const milestoneId = `m${c}_${m}`;
      const ref = { contractId, milestoneId };
      const cents = 1 + pick(5_000_000);
      const feeCents = pick(3) === 0 ? 0 : Math.floor(cents / 10);
      const charge = { paymentIntentId: `pi_${milestoneId}`, chargeId: `ch_${milestoneId}` };
      queue.push({ type: 'MilestoneCreated', data: { ...ref, name: milestoneId, description: null, amount: usd(cents), dueDate: null } });
      const path = pick(6);
      if (path === 0) {
        queue.push({ type: 'MilestoneCancelled', data: { ...ref, reason: null } });
        continue;
      }
      queue.push({ type: 'MilestoneFunded', data: { ...ref, amount: usd(cents), ...charge } });
      if (path === 1) continue; // held
      if (path === 2) {
        const paidCents = pick(8) === 0 ? 0 : cents - feeCents;
        queue.push(
          { type: 'MilestoneApprovalRequested', data: { ...ref, trainerId, note: null } },
          { type: 'MilestoneApproved', data: { ...ref, trainerId, amount: usd(cents), fee: usd(feeCents), net: usd(cents - feeCents), feeBps: 1000, chargeId: charge.chargeId, reason: 'employer' } },
          { type: 'MilestonePayoutFailed', data: { ...ref, trainerId, reason: 'no account', retryable: true, attempt: 1 } },
          { type: 'MilestonePayoutCompleted', data: { ...ref, trainerId, amount: usd(paidCents), transferId: `tr_${milestoneId}`, destinationAccountId: `acct_${trainerId}` } },
        );
        continue;
      }
      const resolution = path === 3 ? 'release' : path === 4 ? 'split' : 'refund';
      const trainerCents = resolution === 'release' ? cents : resolution === 'refund' ? 0 : Math.floor(cents / 3);
      const fee = resolution === 'refund' ? 0 : Math.floor(trainerCents / 10);
      queue.push(
        { type: 'MilestoneDisputed', data: { ...ref, disputedBy: 'employer', reason: 'late', previousStatus: 'funded', chargeback: null } },
        {
          type: 'MilestoneDisputeResolved',
          data: {
            ...ref, resolution, trainerId, trainerAmount: usd(trainerCents), refundAmount: usd(cents - trainerCents),
            fee: usd(fee), net: usd(trainerCents - fee), feeBps: 1000, chargeId: charge.chargeId, note: 'decided',
          },
        },
      );
      if (cents > trainerCents) queue.push({ type: 'MilestoneRefunded', data: { ...ref, amount: usd(cents - trainerCents), refundId: `re_${milestoneId}`, chargeId: charge.chargeId } });
      if (trainerCents > 0) {
        queue.push({ type: 'MilestonePayoutCompleted', data: { ...ref, trainerId, amount: usd(trainerCents - fee), transferId: `tr_${milestoneId}`, destinationAccountId: `acct_${trainerId}` } });
      }
    }
    queue.push({ type: 'ContractArchived', data: { contractId } });
    queues.push(queue);
  }
  const log: RecordedEvent[] = [];
  const revisions = new Map<string, number>();
  const record = (streamId: string, type: string, data: unknown) => {
    const n = log.length + 1;
    const revision = revisions.get(streamId) ?? 0;
    revisions.set(streamId, revision + 1);
    const occurredAt = new Date(Date.parse('2026-03-01T09:00:00.000Z') + n * 60_000).toISOString();
    log.push({
      eventId: `evt-${n}`, type, data, metadata: { eventId: `evt-${n}`, occurredAt, schemaVersion: 1 }, streamId, revision,
      position: `00000000000000000001-${String(n).padStart(20, '0')}`, recordedAt: occurredAt,
    });
  };
  for (;;) {
    const open = queues.filter((queue) => queue.length > 0);
    if (open.length === 0) return log;
    if (pick(10) === 0) record(`employer-${pick(5)}`, 'EmployerPaymentMethodAttached', { employerId: `emp_${pick(5)}` });
    const event = open[pick(open.length)]!.shift()!;
    record(`contract-${event.data.contractId}`, event.type, event.data);
  }
}

function chunks<T>(items: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < items.length; i += size) out.push(items.slice(i, i + size));
  return out;
}

/**
 * `applyBatch` leaves the same rows, and fails with the same message, whatever the batch size:
 * batches of 1 (the per-event behaviour) against larger ones, on generated logs; the balances of
 * one event per batch are anchored to the pure posting rules.
 */
describeEachDatabase('escrow-ledger applyBatch', (target) => {
  const database = withDatabase(target);

  /** An empty ledger with `log` applied in batches of `size`. */
  async function ledgerOf(log: readonly RecordedEvent[], size: number): Promise<SqlDb> {
    await emptyReadModel(database.db, escrowLedgerProjection);
    await applyInBatches(database.db, escrowLedgerProjection, log, size);
    return database.db;
  }

  it('stores exactly the rows of one event per batch, whatever the batch size', async () => {
    const log = realisticLog(80, 42);
    expect(log.length).toBeGreaterThan(500);
    const types = new Set(log.map((event) => event.type));
    for (const type of ['ContractCreated', 'MilestoneFunded', 'MilestoneApproved', 'MilestoneDisputeResolved', 'MilestoneRefunded', 'MilestonePayoutCompleted', 'EmployerPaymentMethodAttached']) {
      expect(types).toContain(type);
    }
    const expected = await dump(await ledgerOf(log, 1));
    expect(expected.escrow_ledger_entries!.length).toBeGreaterThan(300);
    expect(expected.escrow_ledger_contracts).toHaveLength(80);
    // Anchored to the pure posting rules, not only to itself.
    const oracle = [...foldBalances(postingsOf(log))].map(([account, t]) => ({ account, debit_cents: String(t.debitCents), credit_cents: String(t.creditCents) }));
    expect(expected.escrow_ledger_balances!.map((row) => ({ ...(row as object), position: undefined }))).toEqual(
      oracle.sort((a, b) => (a.account < b.account ? -1 : 1)).map((row) => ({ ...row, position: undefined })),
    );
    for (const size of [7, 500, log.length]) {
      expect({ size, tables: await dump(await ledgerOf(log, size)) }).toEqual({ size, tables: expected });
    }
  });

  it('continues a ledger that earlier batches left, touching the same accounts again', async () => {
    const log = realisticLog(12, 7);
    const expected = await dump(await ledgerOf(log, 1));
    const db = await ledgerOf([], 1);
    const [first, ...rest] = chunks(log, Math.ceil(log.length / 3));
    await applyInBatches(db, escrowLedgerProjection, first!, first!.length);
    await applyInBatches(db, escrowLedgerProjection, rest.flat().slice(0, 5), 1);
    await applyInBatches(db, escrowLedgerProjection, rest.flat().slice(5), log.length);
    expect(await dump(db)).toEqual(expected);
  });

  it.each([
    ['a refund larger than the escrow', 'MilestoneRefunded', /escrow escrow:contract:c0 does not go negative/],
    ['a contract created twice', 'ContractCreated', /contract c0 is created once/],
    ['money moving before its contract exists', 'MilestoneFunded', /contract c_none was created before its money moved/],
  ])('fails a batch holding %s with the message of applying it alone, writing nothing', async (_, type, message) => {
    const log = realisticLog(6, 3);
    const next = log.length + 1;
    const bad: Record<string, unknown> = {
      MilestoneRefunded: { contractId: 'c0', milestoneId: 'mx', amount: usd(999_999_999), refundId: 're_x', chargeId: 'ch_x' },
      ContractCreated: { contractId: 'c0', employerId: 'emp_0', trainerId: 'tr_0', projectName: 'again' },
      MilestoneFunded: { contractId: 'c_none', milestoneId: 'mx', amount: usd(100), paymentIntentId: 'pi_x', chargeId: 'ch_x' },
    };
    const occurredAt = '2027-01-01T00:00:00.000Z';
    const broken: RecordedEvent = {
      eventId: `evt-${next}`, type, data: bad[type], metadata: { eventId: `evt-${next}`, occurredAt }, streamId: 'contract-x', revision: 0,
      position: `00000000000000000001-${String(next).padStart(20, '0')}`, recordedAt: occurredAt,
    };
    const alone = await ledgerOf(log, 1);
    const before = await dump(alone);
    await expect(alone.transaction((tx) => escrowLedgerProjection.applyBatch(tx, [broken]))).rejects.toThrow(message);
    expect(await dump(alone)).toEqual(before);

    const batched = await ledgerOf(log.slice(0, 10), 10);
    const afterHead = await dump(batched);
    await expect(batched.transaction((tx) => escrowLedgerProjection.applyBatch(tx, [...log.slice(10), broken]))).rejects.toThrow(message);
    expect(await dump(batched)).toEqual(afterHead);
  });

  it('reports the first broken event of a batch, even when a later one breaks the posting rules', async () => {
    const log = realisticLog(3, 5);
    const occurredAt = '2027-01-01T00:00:00.000Z';
    const at = (n: number, type: string, data: unknown): RecordedEvent => ({
      eventId: `evt-${n}`, type, data, metadata: { eventId: `evt-${n}`, occurredAt }, streamId: 'contract-c0', revision: 0,
      position: `00000000000000000001-${String(n).padStart(20, '0')}`, recordedAt: occurredAt,
    });
    const overdrawn = at(log.length + 1, 'MilestoneRefunded', { contractId: 'c0', milestoneId: 'mx', amount: usd(999_999_999), refundId: 're_x', chargeId: 'ch_x' });
    const badFee = at(log.length + 2, 'MilestoneApproved', {
      contractId: 'c0', milestoneId: 'mx', trainerId: 'tr_0', amount: usd(100), fee: usd(10), net: usd(80), feeBps: 1000, chargeId: 'ch_x',
    });
    const db = await ledgerOf([], 1);
    await expect(db.transaction((tx) => escrowLedgerProjection.applyBatch(tx, [...log, overdrawn, badFee]))).rejects.toThrow(/does not go negative/);
    await expect(db.transaction((tx) => escrowLedgerProjection.applyBatch(tx, [...log, badFee, overdrawn]))).rejects.toThrow(/fee 10 \+ net 80 = released 100/);
    expect((await dump(db)).escrow_ledger_entries).toEqual([]);
  });
});
