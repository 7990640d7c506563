import type { RecordedCharge, RecordedMovements, RecordedRefund, RecordedTransfer } from './recorded-movements';
import { movementsToRetrieve, providerWindow } from './period-window';
import type { ProviderCharge, ProviderMovements, ProviderRefund, ProviderTransfer } from './provider-movements';
import { reconcile } from './reconcile';

const period = { from: new Date('2026-03-01T00:00:00Z'), to: new Date('2026-03-02T00:00:00Z') };
const at = (iso: string) => new Date(iso);
const noon = '2026-03-01T12:00:00Z';
const ours = { contractId: 'c1', milestoneId: 'm1', requestKey: 'k1' };

const recordedCharge = (over: Partial<RecordedCharge> = {}): RecordedCharge => ({
  id: 'ch_1', paymentIntentId: 'pi_1', contractId: 'c1', milestoneId: 'm1', amountCents: 15_000, occurredAt: at(noon), ...over,
});
const providerCharge = (over: Partial<ProviderCharge> = {}): ProviderCharge => ({
  id: 'ch_1', paymentIntentId: 'pi_1', amountCents: 15_000, amountRefundedCents: 0, status: 'succeeded',
  transferGroup: 'milestone_m1', metadata: ours, created: at('2026-03-01T11:59:58Z'), ...over,
});
const recordedTransfer = (over: Partial<RecordedTransfer> = {}): RecordedTransfer => ({
  id: 'tr_1', contractId: 'c1', milestoneId: 'm1', amountCents: 15_000, occurredAt: at(noon), ...over,
});
const providerTransfer = (over: Partial<ProviderTransfer> = {}): ProviderTransfer => ({
  id: 'tr_1', amountCents: 15_000, amountReversedCents: 0, destination: 'acct_1', sourceChargeId: 'ch_1',
  transferGroup: 'milestone_m1', metadata: ours, created: at('2026-03-01T11:59:59Z'), ...over,
});
const recordedRefund = (over: Partial<RecordedRefund> = {}): RecordedRefund => ({
  id: 're_1', chargeId: 'ch_1', contractId: 'c1', milestoneId: 'm1', amountCents: 5_000, occurredAt: at(noon), ...over,
});
const providerRefund = (over: Partial<ProviderRefund> = {}): ProviderRefund => ({
  id: 're_1', chargeId: 'ch_1', paymentIntentId: 'pi_1', amountCents: 5_000, status: 'succeeded', metadata: ours,
  created: at('2026-03-01T11:59:59Z'), ...over,
});

const recordedOf = (over: Partial<RecordedMovements> = {}): RecordedMovements => ({ charges: [], transfers: [], refunds: [], ...over });
const providerOf = (over: Partial<ProviderMovements> = {}): ProviderMovements => ({ charges: [], transfers: [], refunds: [], ...over });
const run = (recorded: Partial<RecordedMovements>, provider: Partial<ProviderMovements>) =>
  reconcile({ period, recorded: recordedOf(recorded), provider: providerOf(provider) });

describe('reconcile', () => {
  it('finds nothing when both sides agree, and counts what it checked', () => {
    const report = run(
      { charges: [recordedCharge()], transfers: [recordedTransfer({ amountCents: 10_000 })], refunds: [recordedRefund()] },
      { charges: [providerCharge({ amountRefundedCents: 5_000 })], transfers: [providerTransfer({ amountCents: 10_000 })], refunds: [providerRefund()] },
    );
    expect(report).toEqual({
      period: { from: '2026-03-01T00:00:00.000Z', to: '2026-03-02T00:00:00.000Z' },
      checked: { charges: 1, transfers: 1, refunds: 1 },
      notOurs: { charges: 0, transfers: 0, refunds: 0 },
      mismatches: [],
    });
  });

  it('reports a movement of ours that the provider does not have', () => {
    const report = run({ transfers: [recordedTransfer()] }, {});
    expect(report.mismatches).toEqual([
      expect.objectContaining({ kind: 'missing_at_provider', object: 'transfer', id: 'tr_1', contractId: 'c1', milestoneId: 'm1', ledger: { amountCents: 15_000 }, provider: null }),
    ]);
  });

  it('reports a provider movement with our metadata that no event records', () => {
    const stray = providerCharge({ id: 'ch_stray', metadata: { contractId: 'c9', milestoneId: 'm9' } });
    const report = run({}, { charges: [stray] });
    expect(report.mismatches).toEqual([
      expect.objectContaining({ kind: 'missing_in_ledger', object: 'charge', id: 'ch_stray', contractId: 'c9', milestoneId: 'm9', ledger: null,
        provider: { amountCents: 15_000, status: 'succeeded', amountRefundedCents: 0 } }),
    ]);
    expect(report.checked.charges).toBe(1);
  });

  it('ignores provider objects without our metadata, and counts them', () => {
    const foreign = { metadata: {} };
    const report = run({}, { charges: [providerCharge(foreign)], transfers: [providerTransfer(foreign)], refunds: [providerRefund({ metadata: { other: 'x' } })] });
    expect(report.mismatches).toEqual([]);
    expect(report.notOurs).toEqual({ charges: 1, transfers: 1, refunds: 1 });
    expect(report.checked).toEqual({ charges: 0, transfers: 0, refunds: 0 });
  });

  it('does not call a declined charge or a failed refund missing in our log: no money moved', () => {
    const report = run({}, { charges: [providerCharge({ status: 'failed' })], refunds: [providerRefund({ status: 'canceled' })] });
    expect(report.mismatches).toEqual([]);
    expect(report.checked).toEqual({ charges: 1, transfers: 0, refunds: 1 });
  });

  it('reports a pending refund unknown to our log: the provider has committed it', () => {
    const report = run({}, { refunds: [providerRefund({ status: 'pending' })] });
    expect(report.mismatches.map((m) => m.kind)).toEqual(['missing_in_ledger']);
  });

  it('reports a transfer whose amount differs', () => {
    const report = run({ transfers: [recordedTransfer()] }, { transfers: [providerTransfer({ amountCents: 14_999 })] });
    expect(report.mismatches).toEqual([
      expect.objectContaining({ kind: 'amount_differs', object: 'transfer', id: 'tr_1', ledger: { amountCents: 15_000 },
        provider: { amountCents: 14_999, status: 'paid', amountReversedCents: 0 }, detail: 'amount 150.00 in the ledger, 149.99 at the provider' }),
    ]);
  });

  it('reports a transfer reversed at the provider, which our log never records', () => {
    const report = run({ transfers: [recordedTransfer()] }, { transfers: [providerTransfer({ amountReversedCents: 2_500 })] });
    expect(report.mismatches).toEqual([
      expect.objectContaining({ kind: 'amount_differs', object: 'transfer', provider: { amountCents: 15_000, status: 'partially_reversed', amountReversedCents: 2_500 } }),
    ]);
  });

  it('reports a charge whose status is not succeeded at the provider', () => {
    const report = run({ charges: [recordedCharge()] }, { charges: [providerCharge({ status: 'failed' })] });
    expect(report.mismatches).toEqual([
      expect.objectContaining({ kind: 'status_differs', object: 'charge', id: 'ch_1', provider: expect.objectContaining({ status: 'failed' }), detail: 'funded in the ledger, failed at the provider' }),
    ]);
  });

  it('reports a charge refunded outside our log (its refund carries no metadata of ours)', () => {
    const dashboardRefund = providerRefund({ id: 're_dash', amountCents: 15_000, metadata: {} });
    const report = run({ charges: [recordedCharge()] }, { charges: [providerCharge({ amountRefundedCents: 15_000 })], refunds: [dashboardRefund] });
    expect(report.mismatches).toEqual([
      expect.objectContaining({ kind: 'amount_differs', object: 'charge', id: 'ch_1', ledger: { amountCents: 15_000, amountRefundedCents: 0 },
        provider: { amountCents: 15_000, status: 'succeeded', amountRefundedCents: 15_000 }, detail: 'refunded 0.00 in the ledger, 150.00 at the provider' }),
    ]);
    expect(report.notOurs.refunds).toBe(1);
  });

  it('agrees on partial refunds summed over the whole log, and reports a partial one the log lacks', () => {
    const partials = [recordedRefund({ id: 're_a', amountCents: 4_000 }), recordedRefund({ id: 're_b', amountCents: 1_000, occurredAt: at('2026-02-10T00:00:00Z') })];
    const agreeing = run({ charges: [recordedCharge()], refunds: partials }, {
      charges: [providerCharge({ amountRefundedCents: 5_000 })],
      refunds: [providerRefund({ id: 're_a', amountCents: 4_000 })],
    });
    expect(agreeing.mismatches).toEqual([]);
    const short = run({ charges: [recordedCharge()], refunds: [partials[0]!] }, {
      charges: [providerCharge({ amountRefundedCents: 5_000 })],
      refunds: [providerRefund({ id: 're_a', amountCents: 4_000 })],
    });
    expect(short.mismatches).toEqual([expect.objectContaining({ kind: 'amount_differs', object: 'charge', detail: 'refunded 40.00 in the ledger, 50.00 at the provider' })]);
  });

  it('reports a refund whose amount or status differs', () => {
    const report = run({ refunds: [recordedRefund(), recordedRefund({ id: 're_2' })] }, {
      refunds: [providerRefund({ amountCents: 4_999 }), providerRefund({ id: 're_2', status: 'failed' })],
    });
    expect(report.mismatches.map((m) => [m.kind, m.id])).toEqual([['amount_differs', 're_1'], ['status_differs', 're_2']]);
  });

  it('reports a transfer group that is not the milestone\'s', () => {
    const report = run({ charges: [recordedCharge()] }, { charges: [providerCharge({ transferGroup: 'milestone_m2' })] });
    expect(report.mismatches).toEqual([
      expect.objectContaining({ kind: 'transfer_group_differs', object: 'charge', transferGroup: { expected: 'milestone_m1', actual: 'milestone_m2' } }),
    ]);
  });

  it('reports several differences of one object separately', () => {
    const report = run({ charges: [recordedCharge()] }, { charges: [providerCharge({ amountCents: 100, status: 'pending' })] });
    expect(report.mismatches.map((m) => m.kind)).toEqual(['amount_differs', 'status_differs']);
  });

  describe('boundaries', () => {
    it('compares our movement of the period with a provider object created a few seconds before the period', () => {
      const report = run({ charges: [recordedCharge({ occurredAt: at('2026-03-01T00:00:01Z') })] }, { charges: [providerCharge({ created: at('2026-02-28T23:59:58Z') })] });
      expect(report.mismatches).toEqual([]);
      expect(report.checked.charges).toBe(1);
    });

    it('leaves a provider object of the period to the next period when our event falls after the end', () => {
      const report = run({ charges: [recordedCharge({ occurredAt: at('2026-03-02T00:00:02Z') })] }, { charges: [providerCharge({ amountCents: 1, created: at('2026-03-01T23:59:59Z') })] });
      expect(report.mismatches).toEqual([]);
      expect(report.checked.charges).toBe(0);
    });

    it('checks a provider object unknown to the period against the whole log (recorded long before)', () => {
      const report = run({ transfers: [recordedTransfer({ occurredAt: at('2026-01-01T00:00:00Z') })] }, { transfers: [providerTransfer()] });
      expect(report.mismatches).toEqual([]);
    });

    it('reports missing_in_ledger only for provider objects created inside the period (from included, to excluded)', () => {
      const stray = (id: string, created: string) => providerTransfer({ id, created: at(created) });
      const report = run({}, {
        transfers: [stray('tr_before', '2026-02-28T23:59:59Z'), stray('tr_from', '2026-03-01T00:00:00Z'), stray('tr_to', '2026-03-02T00:00:00Z')],
      });
      expect(report.mismatches.map((m) => m.id)).toEqual(['tr_from']);
    });

    it('takes our events from the start of the period and not at its end', () => {
      const report = run({ refunds: [recordedRefund({ id: 're_from', occurredAt: period.from }), recordedRefund({ id: 're_to', occurredAt: period.to })] }, {});
      expect(report.mismatches.map((m) => [m.kind, m.id])).toEqual([['missing_at_provider', 're_from']]);
    });
  });
});

describe('fetching around the period', () => {
  it('widens the provider window by the margin on both sides', () => {
    expect(providerWindow(period, 3_600_000)).toEqual({ from: at('2026-02-28T23:00:00Z'), to: at('2026-03-02T01:00:00Z') });
  });

  it('looks up by id only our movements of the period that the list did not show', () => {
    const recorded = recordedOf({
      charges: [recordedCharge(), recordedCharge({ id: 'ch_old', occurredAt: at('2026-01-01T00:00:00Z') })],
      transfers: [recordedTransfer()],
      refunds: [recordedRefund()],
    });
    expect(movementsToRetrieve(period, recorded, providerOf({ charges: [providerCharge()] }))).toEqual([
      { kind: 'transfer', id: 'tr_1' },
      { kind: 'refund', id: 're_1' },
    ]);
  });
});
