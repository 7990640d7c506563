import { InvariantViolation } from '@escrow/domain';
import { comparePositions, PostgresEventStore, type RecordedEvent } from '@escrow/event-store';
import { foldBalances, postingsOf, type AccountTotals } from '@escrow/ledger';
import { ProjectorRunner, readCheckpoint, rebuildProjection } from '@escrow/projector';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../test/support/databases';
import { catchUpToCommitted } from '../../test/support/catch-up';
import { escrowLedgerProjection } from './escrow-ledger.projection';
import { findBalances, findEntries, type AccountBalance, type LedgerBound } from './escrow-ledger.query';
import { ledgerScript } from './testing/ledger-events';

const all = { kind: 'all' } as const;

function asRecord(balances: readonly AccountBalance[]): Record<string, AccountTotals> {
  return Object.fromEntries(balances.map(({ account, debitCents, creditCents }) => [account, { debitCents, creditCents }]));
}

/** The oracle: the pure posting rules folded over the log up to a bound. */
function replayed(log: readonly RecordedEvent[], bound: LedgerBound | null): Record<string, AccountTotals> {
  const upTo = log.filter((event) => {
    if (bound === null) return true;
    if (bound.kind === 'position') return comparePositions(event.position, bound.position) <= 0;
    return Date.parse(String(event.metadata.occurredAt)) <= Date.parse(bound.time);
  });
  return Object.fromEntries(foldBalances(postingsOf(upTo)));
}

describeEachDatabase('escrow-ledger projection', (target) => {
  // Emptied before each test: the tests read whole balances and the whole log.
  const database = withDatabase(target, { emptyBeforeEach: true });
  let db: SqlDb;
  let store: PostgresEventStore;
  let runner: ProjectorRunner;

  beforeEach(async () => {
    db = database.db;
    store = await PostgresEventStore.open(db);
    runner = new ProjectorRunner(store, db, escrowLedgerProjection);
    await runner.prepare();
  });
  afterEach(async () => {
    await store.close();
  });

  async function playRealisticLedger() {
    const play = ledgerScript(store);
    await play.hire('c1', 'emp_a', 'tr_1');
    await play.hire('c2', 'emp_b', 'tr_2');
    // c1/m1: approved with a 10 % fee and paid out.
    await play.fund('c1', 'm1', 15_000);
    await play.approve('c1', 'm1', 'tr_1', 15_000, 1_500);
    await play.payOut('c1', 'm1', 'tr_1', 13_500);
    // c1/m2: disputed, split 120.00 to the trainer (fee 12.00), 80.00 refunded.
    await play.fund('c1', 'm2', 20_000);
    await play.dispute('c1', 'm2');
    await play.resolve('c1', 'm2', 'tr_1', 20_000, 12_000, 1_200);
    await play.refund('c1', 'm2', 8_000);
    await play.payOut('c1', 'm2', 'tr_1', 10_800);
    // c2/m3: disputed and refunded in full; m4 still held; m5 approved without a fee, not paid yet.
    await play.fund('c2', 'm3', 9_999);
    await play.dispute('c2', 'm3');
    await play.resolve('c2', 'm3', 'tr_2', 9_999, 0, 0);
    await play.refund('c2', 'm3', 9_999);
    await play.fund('c2', 'm4', 5_000);
    await play.fund('c2', 'm5', 1_000);
    await play.approve('c2', 'm5', 'tr_2', 1_000, 0);
    await catchUpToCommitted(runner, store);
    return store.readAll({ fromPosition: null, limit: 1_000 });
  }

  it('posts a realistic sequence into balances that add up', async () => {
    const log = await playRealisticLedger();
    const balances = asRecord(await findBalances(db, { asOf: null, prefix: null, visibility: all }));
    expect(balances).toEqual({
      'escrow:contract:c1': { debitCents: 15_000 + 12_000 + 8_000, creditCents: 35_000 },
      'escrow:contract:c2': { debitCents: 9_999 + 1_000, creditCents: 9_999 + 5_000 + 1_000 },
      'platform:fee_revenue': { debitCents: 0, creditCents: 2_700 },
      'platform:stripe_balance': { debitCents: 35_000 + 15_999, creditCents: 13_500 + 8_000 + 10_800 + 9_999 },
      'trainer_payable:tr_1': { debitCents: 24_300, creditCents: 24_300 },
      'trainer_payable:tr_2': { debitCents: 0, creditCents: 1_000 },
    });
    expect(balances).toEqual(replayed(log, null));

    const total = Object.values(balances).reduce((sum, b) => sum + b.debitCents - b.creditCents, 0);
    expect(total).toBe(0);
    const { rows: totals } = await db.query<{ d: string; c: string }>('select debit_cents::text as d, credit_cents::text as c from escrow_ledger_totals');
    expect(totals).toEqual([{ d: String(35_000 + 15_999 + 35_000 + 10_999 + 24_300), c: String(35_000 + 15_999 + 35_000 + 10_999 + 24_300) }]);
    const { rows: contracts } = await db.query(
      `select contract_id, funded_cents::text as funded, released_cents::text as released, refunded_cents::text as refunded
       from escrow_ledger_contracts c order by c.contract_id`,
    );
    expect(contracts).toEqual([
      { contract_id: 'c1', funded: '35000', released: '27000', refunded: '8000' },
      { contract_id: 'c2', funded: '15999', released: '1000', refunded: '9999' },
    ]);
  });

  it('keeps one transaction per money event with its Stripe reference and running balances', async () => {
    await playRealisticLedger();
    const { rows } = await db.query<{ event_type: string; stripe_reference: string }>(
      'select event_type, stripe_reference from escrow_ledger_transactions t order by t.position',
    );
    expect(rows.map((r) => `${r.event_type}:${r.stripe_reference}`)).toEqual([
      'MilestoneFunded:ch_m1', 'MilestoneApproved:ch_m1', 'MilestonePayoutCompleted:tr_m1',
      'MilestoneFunded:ch_m2', 'MilestoneDisputeResolved:ch_m2', 'MilestoneRefunded:re_m2_8000', 'MilestonePayoutCompleted:tr_m2',
      'MilestoneFunded:ch_m3', 'MilestoneRefunded:re_m3_9999', 'MilestoneFunded:ch_m4', 'MilestoneFunded:ch_m5', 'MilestoneApproved:ch_m5',
    ]);
    const escrow = await findEntries(db, { account: 'escrow:contract:c2', limit: 100 });
    expect(escrow.map((e) => [e.eventType, e.debitCents, e.creditCents, e.balanceAfterCents])).toEqual([
      ['MilestoneFunded', 0, 9_999, -9_999],
      ['MilestoneRefunded', 9_999, 0, 0],
      ['MilestoneFunded', 0, 5_000, -5_000],
      ['MilestoneFunded', 0, 1_000, -6_000],
      ['MilestoneApproved', 1_000, 0, -5_000],
    ]);
  });

  it('answers as of any position or time exactly as replaying the log to that point', async () => {
    const log = await playRealisticLedger();
    for (const event of log) {
      const byPosition: LedgerBound = { kind: 'position', position: event.position };
      expect(asRecord(await findBalances(db, { asOf: byPosition, prefix: null, visibility: all }))).toEqual(replayed(log, byPosition));
      // Half a minute after the event: between it and the next one.
      const byTime: LedgerBound = { kind: 'time', time: new Date(Date.parse(String(event.metadata.occurredAt)) + 30_000).toISOString() };
      expect(asRecord(await findBalances(db, { asOf: byTime, prefix: null, visibility: all }))).toEqual(replayed(log, byTime));
    }
    const before: LedgerBound = { kind: 'time', time: '2000-01-01T00:00:00.000Z' };
    expect(await findBalances(db, { asOf: before, prefix: null, visibility: all })).toEqual([]);
  });

  it('filters balances by prefix and by who may see them', async () => {
    await playRealisticLedger();
    const escrows = await findBalances(db, { asOf: null, prefix: 'escrow:', visibility: all });
    expect(escrows.map((b) => b.account)).toEqual(['escrow:contract:c1', 'escrow:contract:c2']);
    const own = await findBalances(db, { asOf: null, prefix: null, visibility: { kind: 'employer', employerId: 'emp_b' } });
    expect(own.map((b) => b.account)).toEqual(['escrow:contract:c2']);
    const ownAsOf = await findBalances(db, { asOf: { kind: 'time', time: '2100-01-01T00:00:00Z' }, prefix: 'escrow', visibility: { kind: 'employer', employerId: 'emp_b' } });
    expect(ownAsOf).toEqual(own);
    const trainer = await findBalances(db, { asOf: null, prefix: null, visibility: { kind: 'account', account: 'trainer_payable:tr_2' } });
    expect(trainer).toEqual([{ account: 'trainer_payable:tr_2', debitCents: 0, creditCents: 1_000 }]);
    // Prefixes are literal: LIKE wildcards match nothing.
    expect(await findBalances(db, { asOf: null, prefix: '%', visibility: all })).toEqual([]);
  });

  it('pages entries by (position, line) without gaps or repeats', async () => {
    await playRealisticLedger();
    const everything = await findEntries(db, { limit: 1_000 });
    const paged = [];
    let after = null;
    for (;;) {
      const page = await findEntries(db, { limit: 4, after });
      if (page.length === 0) break;
      paged.push(...page);
      const last = page[page.length - 1]!;
      after = { position: last.position, entryIndex: last.entryIndex };
    }
    expect(paged).toEqual(everything);
    expect(everything).toHaveLength(2 + 3 + 2 + 2 + 3 + 2 + 2 + 2 + 2 + 2 + 2 + 2);
  });

  it('rebuilds to the same ledger from position 0', async () => {
    await playRealisticLedger();
    const before = await findBalances(db, { asOf: null, prefix: null, visibility: all });
    const entriesBefore = await findEntries(db, { limit: 1_000 });
    await rebuildProjection(store, db, escrowLedgerProjection);
    expect(await findBalances(db, { asOf: null, prefix: null, visibility: all })).toEqual(before);
    expect(await findEntries(db, { limit: 1_000 })).toEqual(entriesBefore);
  });

  it('stops loudly on a refund larger than the escrow, leaving the ledger at the last good event', async () => {
    const play = ledgerScript(store);
    await play.hire('c9', 'emp_a', 'tr_1');
    const good = await play.fund('c9', 'm9', 10_000);
    await catchUpToCommitted(runner, store);
    const before = await findBalances(db, { asOf: null, prefix: null, visibility: all });

    await play.refund('c9', 'm9', 20_000);
    const failure = catchUpToCommitted(runner, store);
    await expect(failure).rejects.toThrow(InvariantViolation);
    await expect(failure).rejects.toThrow(/escrow escrow:contract:c9 does not go negative/);
    expect(await readCheckpoint(db, escrowLedgerProjection.name)).toBe(good);
    expect(await findBalances(db, { asOf: null, prefix: null, visibility: all })).toEqual(before);
  });

  it('stops loudly on an approval whose fee and net do not add up', async () => {
    const play = ledgerScript(store);
    await play.hire('c8', 'emp_a', 'tr_1');
    await play.fund('c8', 'm8', 10_000);
    await play.write({
      type: 'MilestoneApproved',
      data: {
        contractId: 'c8', milestoneId: 'm8', trainerId: 'tr_1', amount: { amountCents: 10_000, currency: 'USD' },
        fee: { amountCents: 1_000, currency: 'USD' }, net: { amountCents: 8_000, currency: 'USD' }, feeBps: 1000, chargeId: 'ch_m8', reason: 'employer',
      },
    });
    await expect(catchUpToCommitted(runner, store)).rejects.toThrow(/fee 1000 \+ net 8000 = released 10000/);
  });
});
