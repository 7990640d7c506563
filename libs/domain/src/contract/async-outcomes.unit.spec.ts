import { usd } from '../shared/money';
import {
  AMOUNT,
  approvalRequested,
  archive,
  approved as approvedOf,
  chargebackClosed as closed,
  chargebackDisputed as disputedBy,
  chargebackOpened,
  contractAt,
  disputed,
  disputeResolved,
  fundingFailed,
  fundingPending,
  fundingRequested,
  funded as fundedOf,
  M1,
  milestoneAfter,
  payoutCompleted,
  recordChargebackClosed,
  recordChargebackOpened,
  recordFunded as recordFundedOf,
  recordFundingFailed,
  recordFundingPending,
  recordPayoutCompleted,
  recordRefunded,
  refunded,
  refundResolved,
  resolveDispute,
  withData,
} from '../testing/contract-fixtures';
import { deciderSpec } from '../testing/decider-spec';
import { contractDecider } from './index';

/** Stripe's asynchronous outcomes and chargebacks: duplicates, stale webhooks, and the bank's say. */
const contract = deciderSpec(contractDecider);

// Here the payment intent is the subject: every builder names it first.
const requested = fundingRequested();
const pending = (paymentIntentId: string, nextStep: 'processing' | 'requires_action' = 'processing') => fundingPending(nextStep, paymentIntentId);
const funded = (paymentIntentId = 'pi_m_1') => withData(fundedOf(), { paymentIntentId });
const failed = (paymentIntentId: string | null = 'pi_m_1') => withData(fundingFailed(), { paymentIntentId });
const approved = [approvalRequested(), approvedOf()];
const paidOut = withData(payoutCompleted(), { transferId: 'tr_x' });
const funding = [...contractAt('pending'), requested];
const fundedHistory = [...funding, funded()];

const recordPending = (paymentIntentId: string, nextStep: 'processing' | 'requires_action' = 'processing') =>
  recordFundingPending({ paymentIntentId, nextStep });
const recordFunded = (paymentIntentId = 'pi_m_1') => recordFundedOf({ paymentIntentId });
const recordFailed = (paymentIntentId: string | null = 'pi_m_1') => recordFundingFailed({ paymentIntentId });
const open = (amountCents = AMOUNT, disputeId = 'dp_1') => recordChargebackOpened({ disputeId, amountCents });
const close = (outcome: 'won' | 'lost', disputeId = 'dp_1') => recordChargebackClosed({ disputeId, outcome });

describe('funding that does not settle at once', () => {
  it('records the pending intent and what it waits for; the status stays funding', () => {
    contract.given(funding).when(recordPending('pi_m_1', 'requires_action')).then([pending('pi_m_1', 'requires_action')]);
    expect(milestoneAfter([...funding, pending('pi_m_1')])).toMatchObject({ status: 'funding', paymentIntentId: 'pi_m_1', fundingNextStep: 'processing' });
  });
  it('the same intent and step again is no event; a new step of that intent is recorded', () => {
    contract.given([...funding, pending('pi_m_1')]).when(recordPending('pi_m_1')).then([]);
    contract.given([...funding, pending('pi_m_1', 'requires_action')]).when(recordPending('pi_m_1')).then([pending('pi_m_1')]);
  });
  it('another intent than the pending one is a conflict', () => {
    contract.given([...funding, pending('pi_m_1')]).when(recordPending('pi_2')).thenThrows('conflict', 'waits on payment intent pi_m_1, not pi_2');
  });
  it('a late "pending" for an intent whose outcome is recorded is no event', () => {
    contract.given(fundedHistory).when(recordPending('pi_m_1')).then([]);
    contract.given([...funding, failed()]).when(recordPending('pi_m_1')).then([]);
  });
  it('a new funding request forgets the previous attempt', () => {
    expect(milestoneAfter([...funding, pending('pi_m_1'), failed(), requested])).toMatchObject({ paymentIntentId: null, failedPaymentIntentIds: ['pi_m_1'] });
  });
});

describe('funding outcomes reported twice or late', () => {
  it.each([
    ['funded', []],
    ['pending approval', approved.slice(0, 1)],
    ['approved', approved],
    ['paid', [...approved, paidOut]],
    ['disputed by a chargeback', [disputedBy('funded')]],
  ] as const)('RecordFunded for the intent that funded it is no event once %s', (_, after) => {
    contract.given([...fundedHistory, ...after]).when(recordFunded()).then([]);
  });
  it('RecordFunded for another intent than the pending one is a conflict', () => {
    contract.given([...funding, pending('pi_m_1')]).when(recordFunded('pi_2')).thenThrows('conflict', 'waits on payment intent pi_m_1');
  });
  it('RecordFunded for a failed intent is a conflict', () => {
    contract.given([...funding, failed(), requested]).when(recordFunded('pi_m_1')).thenThrows('conflict', 'pi_m_1 of milestone m_1 was recorded as failed');
  });
  it('RecordFunded for the pending intent funds the milestone', () => {
    contract.given([...funding, pending('pi_m_1')]).when(recordFunded()).then([funded()]);
  });
  it('RecordFundingFailed for an intent already failed is no event, even after a new attempt started', () => {
    contract.given([...funding, failed()]).when(recordFailed()).then([]);
    contract.given([...funding, failed(), requested, pending('pi_2')]).when(recordFailed('pi_m_1')).then([]);
  });
  it('RecordFundingFailed for the intent that funded the milestone is a conflict', () => {
    contract.given(fundedHistory).when(recordFailed()).thenThrows('conflict', 'pi_m_1 already funded milestone m_1');
  });
  it('a failure of another intent than the pending one is stale: no event, the attempt in flight stands', () => {
    contract.given([...funding, pending('pi_2')]).when(recordFailed('pi_m_1')).then([]);
  });
  it('a failure without an intent while one is pending is a conflict', () => {
    contract.given([...funding, pending('pi_2')]).when(recordFailed(null)).thenThrows('conflict', 'waits on payment intent pi_2');
  });
  it('the failure of the pending intent fails the attempt', () => {
    contract.given([...funding, pending('pi_m_1')]).when(recordFailed()).then([failed()]);
  });
});

describe('chargebacks', () => {
  it('on an approved milestone: disputes it, blocking the payout, remembering it was approved', () => {
    contract.given([...fundedHistory, ...approved]).when(open()).then([disputedBy('approved')]);
  });
  it('the same dispute again is no event', () => {
    contract.given([...fundedHistory, disputedBy('funded')]).when(open()).then([]);
  });
  it('on a paid milestone: recorded, status unchanged', () => {
    contract.given([...fundedHistory, ...approved, paidOut]).when(open(5_000)).then([
      chargebackOpened('paid', 5_000),
    ]);
  });
  it('a chargeback on another charge, or for more than the milestone, is refused', () => {
    contract.given(fundedHistory).when(recordChargebackOpened({ chargeId: 'ch_9', amountCents: 1, reason: 'x' })).thenThrows('conflict', 'on charge ch_9');
    contract.given(fundedHistory).when(open(AMOUNT + 1)).thenThrows('unprocessable', 'chargeback of 15001 cents');
  });
  it('support cannot resolve while the chargeback is open: the bank decides', () => {
    contract.given([...fundedHistory, disputedBy('funded')]).when(resolveDispute({ feeBps: 0 })).thenThrows('conflict', 'the bank decides');
  });
  it('won: back to the status before it, so an approved milestone can be paid out', () => {
    const history = [...fundedHistory, ...approved, disputedBy('approved')];
    contract.given(history).when(close('won')).then([closed('won', 'approved', null)]);
    contract.given([...history, closed('won', 'approved', null)]).when(close('won')).then([]);
    contract.given([...history, closed('won', 'approved', null)]).when(recordPayoutCompleted({ transferId: 'tr_x', amountCents: 13_500 })).then([paidOut]);
  });
  it('lost in full on a funded milestone: the escrow is gone, refunded', () => {
    const loss = { fromEscrow: usd(AMOUNT), platformLoss: usd(0), reversedRelease: null };
    contract.given([...fundedHistory, disputedBy('funded')]).when(close('lost')).then([closed('lost', 'refunded', loss)]);
  });
  it('lost on an approved milestone: the unpaid release is taken back, then the escrow pays', () => {
    const loss = { fromEscrow: usd(AMOUNT), platformLoss: usd(0), reversedRelease: { trainerId: 'tr_1', fee: usd(1_500), net: usd(13_500) } };
    contract.given([...fundedHistory, ...approved, disputedBy('approved')]).when(close('lost')).then([closed('lost', 'refunded', loss)]);
  });
  it('lost in part: what is left stays in escrow, disputed, and support divides exactly that', () => {
    const loss = { fromEscrow: usd(4_000), platformLoss: usd(0), reversedRelease: null };
    const history = [...fundedHistory, disputedBy('funded', 4_000), closed('lost', 'disputed', loss, 4_000)];
    expect(milestoneAfter(history)).toMatchObject({ status: 'disputed', escrowCents: 11_000, refundPendingCents: 0 });
    contract.given(history).when(resolveDispute({ resolution: 'release', feeBps: 0 })).then([
      disputeResolved('release', M1, { trainer: 11_000, refund: 0, fee: 0, net: 11_000, feeBps: 0 }),
    ]);
  });
  it('lost on a paid milestone: the platform bears it, status unchanged', () => {
    const opened = chargebackOpened('paid');
    const loss = { fromEscrow: usd(0), platformLoss: usd(AMOUNT), reversedRelease: null };
    contract.given([...fundedHistory, ...approved, paidOut, opened]).when(close('lost')).then([closed('lost', 'paid', loss)]);
  });
  it('closing an unknown dispute is not found; closing it the other way round is a conflict', () => {
    contract.given(fundedHistory).when(close('won')).thenThrows('not_found', 'no chargeback dp_1 on milestone m_1');
    const loss = { fromEscrow: usd(AMOUNT), platformLoss: usd(0), reversedRelease: null };
    contract.given([...fundedHistory, disputedBy('funded'), closed('lost', 'refunded', loss)]).when(close('won')).thenThrows('conflict', 'closed as lost');
  });
  it('archive waits for an open chargeback, even on a paid milestone', () => {
    const opened = chargebackOpened('paid');
    contract.given([...fundedHistory, ...approved, paidOut, opened]).when(archive()).thenThrows('conflict', 'open chargeback');
  });
});

describe('refunds and payouts reported twice', () => {
  it('a refund id already recorded is no event', () => {
    const history = [...fundedHistory, disputed('funded'), refundResolved(), refunded(M1, 5_000, 're_1')];
    contract.given(history).when(recordRefunded({ refundId: 're_1', amountCents: 5_000 })).then([]);
  });
});
