import { undecidedEventTypes, usd, type ContractEvent } from '@escrow/domain';
import {
  evolvePaymentHistory,
  paymentHistoryEventUses,
  toHistoryEvent,
  type HistoryEvent,
  type PaymentHistory,
  type PaymentHistoryEvent,
} from './payment-history.evolve';
import { paymentHistoryResponse } from './payment-history.response';

const contractId = 'c_1';
const at = (minute: number) => `2026-03-01T10:${String(minute).padStart(2, '0')}:00.000Z`;
const pos = (n: number) => `${String(1).padStart(20, '0')}-${String(n).padStart(20, '0')}`;
const ref = (milestoneId: string) => ({ contractId, milestoneId });

const created: PaymentHistoryEvent = { type: 'ContractCreated', data: { contractId, employerId: 'emp_1', trainerId: 'tr_1', projectName: 'Eval' } };
const milestone = (milestoneId: string, name: string, cents = 15_000): PaymentHistoryEvent => ({
  type: 'MilestoneCreated',
  data: { ...ref(milestoneId), name, description: null, amount: usd(cents), dueDate: null },
});
const approved = (milestoneId: string, cents = 15_000, feeCents = 1_500): PaymentHistoryEvent => ({
  type: 'MilestoneApproved',
  data: { ...ref(milestoneId), trainerId: 'tr_1', amount: usd(cents), fee: usd(feeCents), net: usd(cents - feeCents), feeBps: 1000, chargeId: 'ch_1', reason: 'employer' },
});
const paidOut = (milestoneId: string, netCents = 13_500): PaymentHistoryEvent => ({
  type: 'MilestonePayoutCompleted',
  data: { ...ref(milestoneId), trainerId: 'tr_1', amount: usd(netCents), transferId: `tr_${milestoneId}`, destinationAccountId: 'acct_1' },
});
const resolved = (milestoneId: string, resolution: 'release' | 'refund' | 'split', trainerCents: number, refundCents: number, feeCents: number): PaymentHistoryEvent => ({
  type: 'MilestoneDisputeResolved',
  data: {
    ...ref(milestoneId), resolution, trainerId: 'tr_1', trainerAmount: usd(trainerCents), refundAmount: usd(refundCents),
    fee: usd(feeCents), net: usd(trainerCents - feeCents), feeBps: 1000, chargeId: 'ch_2', note: 'settled',
  },
});
const refunded = (milestoneId: string, cents: number): PaymentHistoryEvent => ({
  type: 'MilestoneRefunded',
  data: { ...ref(milestoneId), amount: usd(cents), refundId: 're_1', chargeId: 'ch_2' },
});

/** Replays events (one minute apart, increasing positions) from nothing. */
function given(events: PaymentHistoryEvent[]): PaymentHistory {
  let history: PaymentHistory | null = null;
  events.forEach((event, i) => {
    const input: HistoryEvent = { event, occurredAt: at(i), position: pos(i + 1) };
    history = evolvePaymentHistory(history, input);
  });
  if (history === null) throw new Error('no events');
  return history;
}

describe('evolvePaymentHistory', () => {
  it('records an approval as approved, with the fee fixed into the event, then paid with the transfer', () => {
    const approvedOnly = given([created, milestone('m1', 'Batch 1'), approved('m1')]);
    expect(approvedOnly.payments).toEqual([
      {
        milestoneId: 'm1', milestoneName: 'Batch 1', resolution: null, amountCents: 15_000, feeCents: 1_500, netCents: 13_500, feeBps: 1000,
        status: 'approved', approvedAt: at(2), paidAt: null, transferId: null, chargeId: 'ch_1',
      },
    ]);
    const paid = given([created, milestone('m1', 'Batch 1'), approved('m1'), paidOut('m1')]);
    expect(paid.payments[0]).toMatchObject({ status: 'paid', approvedAt: at(2), paidAt: at(3), transferId: 'tr_m1' });
    expect(paid.position).toBe(pos(4));
  });

  it('lists payments in approval order, not creation order, and leaves unapproved milestones out', () => {
    const history = given([created, milestone('m1', 'First'), milestone('m2', 'Second'), milestone('m3', 'Third'), approved('m2'), approved('m1')]);
    expect(history.payments.map((p) => p.milestoneName)).toEqual(['Second', 'First']);
  });

  it('records the released part of a dispute resolution (release and split) but nothing for a full refund', () => {
    const history = given([
      created, milestone('m1', 'Released'), milestone('m2', 'Split'), milestone('m3', 'Refunded'),
      resolved('m1', 'release', 15_000, 0, 1_500),
      resolved('m2', 'split', 5_000, 10_000, 500),
      resolved('m3', 'refund', 0, 15_000, 0),
      refunded('m2', 10_000),
    ]);
    expect(history.payments.map(({ milestoneName, resolution, amountCents, feeCents, netCents, status }) => ({ milestoneName, resolution, amountCents, feeCents, netCents, status }))).toEqual([
      { milestoneName: 'Released', resolution: 'release', amountCents: 15_000, feeCents: 1_500, netCents: 13_500, status: 'approved' },
      { milestoneName: 'Split', resolution: 'split', amountCents: 5_000, feeCents: 500, netCents: 4_500, status: 'approved' },
    ]);
    expect(history.refunds).toEqual([
      { milestoneId: 'm2', milestoneName: 'Split', amountCents: 10_000, refundId: 're_1', chargeId: 'ch_2', refundedAt: at(7) },
    ]);
  });

  it('pays out a split release for its net', () => {
    const history = given([created, milestone('m1', 'Split'), resolved('m1', 'split', 5_000, 10_000, 500), paidOut('m1', 4_500)]);
    expect(history.payments[0]).toMatchObject({ status: 'paid', transferId: 'tr_m1', paidAt: at(3) });
  });

  it('keeps the parties for access checks', () => {
    expect(given([created])).toMatchObject({ contractId, employerId: 'emp_1', trainerId: 'tr_1', projectName: 'Eval', payments: [], refunds: [] });
  });

  it.each<[string, PaymentHistoryEvent[], RegExp]>([
    ['a payout without a release', [created, milestone('m1', 'B'), paidOut('m1')], /paid out after its release/],
    ['a second payout', [created, milestone('m1', 'B'), approved('m1'), paidOut('m1'), paidOut('m1')], /paid out once/],
    ['a payout of another amount than the net', [created, milestone('m1', 'B'), approved('m1'), paidOut('m1', 15_000)], /transfers the net 13500 cents/],
    ['a second release', [created, milestone('m1', 'B'), approved('m1'), approved('m1')], /released once/],
    ['an unknown milestone', [created, approved('m9')], /milestone m9 was created/],
    ['a milestone event before the contract', [milestone('m1', 'B')], /follows ContractCreated/],
    ['a second ContractCreated', [created, created], /created once/],
  ])('refuses %s as a broken invariant', (_, events, message) => {
    expect(() => given(events)).toThrow(message);
  });
});

describe('toHistoryEvent', () => {
  const stored = { eventId: 'ev_1', streamId: `contract-${contractId}`, revision: 0, position: pos(1) };
  const recorded = (event: ContractEvent) => ({ ...stored, ...event, metadata: { occurredAt: at(0) } });

  it('passes the events that concern payments and ignores the rest', () => {
    expect(toHistoryEvent(recorded(approved('m1')))).toMatchObject({ occurredAt: at(0), position: pos(1) });
    expect(toHistoryEvent(recorded({ type: 'MilestoneCancelled', data: { ...ref('m1'), reason: null } }))).toBeNull();
    expect(toHistoryEvent({ ...stored, type: 'EmployerPaymentMethodAttached', data: {}, metadata: {} })).toBeNull();
  });

  it('has decided, for every event type of the catalog, whether it reads it', () => {
    expect(undecidedEventTypes(paymentHistoryEventUses, ['read'])).toEqual([]);
  });
});

describe('paymentHistoryResponse', () => {
  it('serves money as decimal strings and dates as recorded', () => {
    const history = given([created, milestone('m1', 'Batch 1'), approved('m1', 15_005, 1_500), paidOut('m1', 13_505)]);
    expect(paymentHistoryResponse(history)).toEqual({
      contractId,
      projectName: 'Eval',
      currency: 'USD',
      payments: [
        {
          milestoneId: 'm1', milestoneName: 'Batch 1', status: 'paid', amount: '150.05', fee: '15.00', net: '135.05', feeBps: 1000, currency: 'USD',
          resolution: null, approvedAt: at(2), paidAt: at(3), transferId: 'tr_m1', chargeId: 'ch_1',
        },
      ],
      refunds: [],
      position: pos(4),
    });
  });
});
