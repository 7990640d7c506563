import { usd } from '../shared/money';
import { deciderSpec } from '../testing/decider-spec';
import type { ContractCommand } from './commands';
import type { ContractEvent } from './events';
import { contractDecider } from './index';
import { replay, type ContractOpen, type MilestoneStatus } from './state';

/** Stripe's asynchronous outcomes and chargebacks: duplicates, stale webhooks, and the bank's say. */
const contract = deciderSpec(contractDecider);
const service = { role: 'service', id: 'webhooks' } as const;
const support = { role: 'support', id: 'sup_1' } as const;
const ref = { contractId: 'c_1', milestoneId: 'm_1' };
const AMOUNT = 15_000;

const created: ContractEvent[] = [
  { type: 'ContractCreated', data: { contractId: 'c_1', employerId: 'emp_1', trainerId: 'tr_1', projectName: 'Eval' } },
  { type: 'MilestoneCreated', data: { ...ref, name: 'Batch 1', description: null, amount: usd(AMOUNT), dueDate: null } },
];
const requested: ContractEvent = {
  type: 'MilestoneFundingRequested',
  data: { ...ref, employerId: 'emp_1', amount: usd(AMOUNT), customerId: 'cus_1', paymentMethodId: 'pm_1' },
};
const pending = (paymentIntentId: string, nextStep: 'processing' | 'requires_action' = 'processing'): ContractEvent => ({
  type: 'MilestoneFundingPending', data: { ...ref, paymentIntentId, nextStep },
});
const funded = (paymentIntentId = 'pi_1'): ContractEvent => ({
  type: 'MilestoneFunded', data: { ...ref, amount: usd(AMOUNT), paymentIntentId, chargeId: 'ch_1' },
});
const failed = (paymentIntentId: string | null = 'pi_1'): ContractEvent => ({
  type: 'MilestoneFundingFailed', data: { ...ref, reason: 'declined', declineCode: null, paymentIntentId },
});
const approved: ContractEvent[] = [
  { type: 'MilestoneApprovalRequested', data: { ...ref, trainerId: 'tr_1', note: null } },
  { type: 'MilestoneApproved', data: { ...ref, trainerId: 'tr_1', amount: usd(AMOUNT), fee: usd(1_500), net: usd(13_500), feeBps: 1_000, chargeId: 'ch_1' } },
];
const paidOut: ContractEvent = {
  type: 'MilestonePayoutCompleted', data: { ...ref, trainerId: 'tr_1', amount: usd(13_500), transferId: 'tr_x', destinationAccountId: 'acct_1' },
};
const funding = [...created, requested];
const fundedHistory = [...funding, funded()];

const cmd = <C extends ContractCommand>(type: C['type'], data: object): C => ({ type, actor: service, data: { ...ref, ...data } }) as C;
const recordPending = (paymentIntentId: string, nextStep: 'processing' | 'requires_action' = 'processing') =>
  cmd('RecordFundingPending', { paymentIntentId, nextStep });
const recordFunded = (paymentIntentId = 'pi_1') => cmd('RecordFunded', { paymentIntentId, chargeId: 'ch_1', amountCents: AMOUNT });
const recordFailed = (paymentIntentId: string | null = 'pi_1') => cmd('RecordFundingFailed', { paymentIntentId, reason: 'declined', declineCode: null });
const open = (amountCents = AMOUNT, disputeId = 'dp_1') => cmd('RecordChargebackOpened', { disputeId, chargeId: 'ch_1', amountCents, reason: 'fraudulent' });
const close = (outcome: 'won' | 'lost', disputeId = 'dp_1') => cmd('RecordChargebackClosed', { disputeId, outcome });

const disputedBy = (previousStatus: 'funded' | 'pending_approval' | 'approved', amountCents = AMOUNT): ContractEvent => ({
  type: 'MilestoneDisputed',
  data: { ...ref, disputedBy: 'service', reason: 'chargeback: fraudulent', previousStatus, chargeback: { disputeId: 'dp_1', chargeId: 'ch_1', amount: usd(amountCents) } },
});
const closed = (outcome: 'won' | 'lost', statusAfter: MilestoneStatus, loss: object | null, amountCents = AMOUNT): ContractEvent =>
  ({ type: 'MilestoneChargebackClosed', data: { ...ref, disputeId: 'dp_1', chargeId: 'ch_1', outcome, amount: usd(amountCents), loss, statusAfter } }) as ContractEvent;
const milestoneAfter = (events: ContractEvent[]) => (replay(events) as ContractOpen).milestones['m_1']!;

describe('funding that does not settle at once', () => {
  it('records the pending intent and what it waits for; the status stays funding', () => {
    contract.given(funding).when(recordPending('pi_1', 'requires_action')).then([pending('pi_1', 'requires_action')]);
    expect(milestoneAfter([...funding, pending('pi_1')])).toMatchObject({ status: 'funding', paymentIntentId: 'pi_1', fundingNextStep: 'processing' });
  });
  it('the same intent and step again is no event; a new step of that intent is recorded', () => {
    contract.given([...funding, pending('pi_1')]).when(recordPending('pi_1')).then([]);
    contract.given([...funding, pending('pi_1', 'requires_action')]).when(recordPending('pi_1')).then([pending('pi_1')]);
  });
  it('another intent than the pending one is a conflict', () => {
    contract.given([...funding, pending('pi_1')]).when(recordPending('pi_2')).thenThrows('conflict', 'waits on payment intent pi_1, not pi_2');
  });
  it('a late "pending" for an intent whose outcome is recorded is no event', () => {
    contract.given(fundedHistory).when(recordPending('pi_1')).then([]);
    contract.given([...funding, failed()]).when(recordPending('pi_1')).then([]);
  });
  it('a new funding request forgets the previous attempt', () => {
    expect(milestoneAfter([...funding, pending('pi_1'), failed(), requested])).toMatchObject({ paymentIntentId: null, failedPaymentIntentIds: ['pi_1'] });
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
    contract.given([...funding, pending('pi_1')]).when(recordFunded('pi_2')).thenThrows('conflict', 'waits on payment intent pi_1');
  });
  it('RecordFunded for a failed intent is a conflict', () => {
    contract.given([...funding, failed(), requested]).when(recordFunded('pi_1')).thenThrows('conflict', 'pi_1 of milestone m_1 was recorded as failed');
  });
  it('RecordFunded for the pending intent funds the milestone', () => {
    contract.given([...funding, pending('pi_1')]).when(recordFunded()).then([funded()]);
  });
  it('RecordFundingFailed for an intent already failed is no event, even after a new attempt started', () => {
    contract.given([...funding, failed()]).when(recordFailed()).then([]);
    contract.given([...funding, failed(), requested, pending('pi_2')]).when(recordFailed('pi_1')).then([]);
  });
  it('RecordFundingFailed for the intent that funded the milestone is a conflict', () => {
    contract.given(fundedHistory).when(recordFailed()).thenThrows('conflict', 'pi_1 already funded milestone m_1');
  });
  it('a failure of another intent than the pending one is stale: no event, the attempt in flight stands', () => {
    contract.given([...funding, pending('pi_2')]).when(recordFailed('pi_1')).then([]);
  });
  it('a failure without an intent while one is pending is a conflict', () => {
    contract.given([...funding, pending('pi_2')]).when(recordFailed(null)).thenThrows('conflict', 'waits on payment intent pi_2');
  });
  it('the failure of the pending intent fails the attempt', () => {
    contract.given([...funding, pending('pi_1')]).when(recordFailed()).then([failed()]);
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
      { type: 'MilestoneChargebackOpened', data: { ...ref, disputeId: 'dp_1', chargeId: 'ch_1', amount: usd(5_000), reason: 'fraudulent', statusAtOpening: 'paid' } },
    ]);
  });
  it('a chargeback on another charge, or for more than the milestone, is refused', () => {
    contract.given(fundedHistory).when(cmd('RecordChargebackOpened', { disputeId: 'dp_1', chargeId: 'ch_9', amountCents: 1, reason: 'x' })).thenThrows('conflict', 'on charge ch_9');
    contract.given(fundedHistory).when(open(AMOUNT + 1)).thenThrows('unprocessable', 'chargeback of 15001 cents');
  });
  it('support cannot resolve while the chargeback is open: the bank decides', () => {
    const resolve = { type: 'ResolveDispute', actor: support, data: { ...ref, resolution: 'release', trainerAmountCents: null, note: 'n', feeBps: 0 } } as const;
    contract.given([...fundedHistory, disputedBy('funded')]).when(resolve).thenThrows('conflict', 'the bank decides');
  });
  it('won: back to the status before it, so an approved milestone can be paid out', () => {
    const history = [...fundedHistory, ...approved, disputedBy('approved')];
    contract.given(history).when(close('won')).then([closed('won', 'approved', null)]);
    contract.given([...history, closed('won', 'approved', null)]).when(close('won')).then([]);
    contract.given([...history, closed('won', 'approved', null)]).when(cmd('RecordPayoutCompleted', { transferId: 'tr_x', destinationAccountId: 'acct_1', amountCents: 13_500 })).then([paidOut]);
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
    const release = { type: 'ResolveDispute', actor: support, data: { ...ref, resolution: 'release', trainerAmountCents: null, note: 'n', feeBps: 0 } } as const;
    contract.given(history).when(release).then([
      {
        type: 'MilestoneDisputeResolved',
        data: { ...ref, resolution: 'release', trainerId: 'tr_1', trainerAmount: usd(11_000), refundAmount: usd(0), fee: usd(0), net: usd(11_000), feeBps: 0, chargeId: 'ch_1', note: 'n' },
      },
    ]);
  });
  it('lost on a paid milestone: the platform bears it, status unchanged', () => {
    const opened: ContractEvent = { type: 'MilestoneChargebackOpened', data: { ...ref, disputeId: 'dp_1', chargeId: 'ch_1', amount: usd(AMOUNT), reason: 'x', statusAtOpening: 'paid' } };
    const loss = { fromEscrow: usd(0), platformLoss: usd(AMOUNT), reversedRelease: null };
    contract.given([...fundedHistory, ...approved, paidOut, opened]).when(close('lost')).then([closed('lost', 'paid', loss)]);
  });
  it('closing an unknown dispute is not found; closing it the other way round is a conflict', () => {
    contract.given(fundedHistory).when(close('won')).thenThrows('not_found', 'no chargeback dp_1 on milestone m_1');
    const loss = { fromEscrow: usd(AMOUNT), platformLoss: usd(0), reversedRelease: null };
    contract.given([...fundedHistory, disputedBy('funded'), closed('lost', 'refunded', loss)]).when(close('won')).thenThrows('conflict', 'closed as lost');
  });
  it('archive waits for an open chargeback, even on a paid milestone', () => {
    const opened: ContractEvent = { type: 'MilestoneChargebackOpened', data: { ...ref, disputeId: 'dp_1', chargeId: 'ch_1', amount: usd(AMOUNT), reason: 'x', statusAtOpening: 'paid' } };
    const archive = { type: 'Archive', actor: { role: 'employer', id: 'emp_1' }, data: { contractId: 'c_1' } } as const;
    contract.given([...fundedHistory, ...approved, paidOut, opened]).when(archive).thenThrows('conflict', 'open chargeback');
  });
});

describe('refunds and payouts reported twice', () => {
  it('a refund id already recorded is no event', () => {
    const resolvedRefund: ContractEvent = {
      type: 'MilestoneDisputeResolved',
      data: { ...ref, resolution: 'refund', trainerId: 'tr_1', trainerAmount: usd(0), refundAmount: usd(AMOUNT), fee: usd(0), net: usd(0), feeBps: 0, chargeId: 'ch_1', note: 'n' },
    };
    const partyDispute: ContractEvent = { type: 'MilestoneDisputed', data: { ...ref, disputedBy: 'employer', reason: 'r', previousStatus: 'funded', chargeback: null } };
    const refunded: ContractEvent = { type: 'MilestoneRefunded', data: { ...ref, amount: usd(5_000), refundId: 're_1', chargeId: 'ch_1' } };
    contract.given([...fundedHistory, partyDispute, resolvedRefund, refunded]).when(cmd('RecordRefunded', { refundId: 're_1', amountCents: 5_000 })).then([]);
  });
});
