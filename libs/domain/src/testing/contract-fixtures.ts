import type { Actor } from '../shared/metadata';
import { usd } from '../shared/money';
import type {
  AddMilestone,
  AddSupportNote,
  Approve,
  Archive,
  Cancel,
  ContractCommand,
  Dispute,
  HireTrainer,
  PaymentMethodOnFile,
  ProviderRefundFacts,
  RecordChargebackClosed,
  RecordChargebackOpened,
  RecordExternalRefund,
  RecordFunded,
  RecordFundingFailed,
  RecordFundingPending,
  RecordPayoutCompleted,
  RecordPayoutFailed,
  RecordRefunded,
  RemindAutoRelease,
  RequestApproval,
  RequestFunding,
  ResolveDispute,
} from '../contract/commands';
import type { ApprovalReason, ChargebackLoss, ContractEvent } from '../contract/events';
import { replay } from '../contract/evolve';
import type { ContractOpen, MilestoneState, MilestoneStatus } from '../contract/state';

/**
 * One cast, one set of amounts and one builder per event and command for every contract spec,
 * so that a change to an event's shape is made here once, not in each spec file. Test-only.
 *
 * Defaults: contract c_1 between employer emp_1 and trainer tr_1; milestone m_1 of 150.00 USD
 * funded by payment intent pi_<milestone> on charge ch_<milestone>; a 10 % fee. A spec that needs
 * other ids (a provider's refund, a second intent) overrides them with `withData`.
 */

// ---------------------------------------------------------------------------------------------
// Cast
// ---------------------------------------------------------------------------------------------

export const employer = { role: 'employer', id: 'emp_1' } as const;
export const otherEmployer = { role: 'employer', id: 'emp_2' } as const;
export const trainer = { role: 'trainer', id: 'tr_1' } as const;
export const otherTrainer = { role: 'trainer', id: 'tr_2' } as const;
export const service = { role: 'service', id: 'payment-saga' } as const;
export const support = { role: 'support', id: 'sup_1' } as const;
export const finance = { role: 'finance', id: 'fin_1' } as const;

export const C1 = 'c_1';
export const M1 = 'm_1';
export const M2 = 'm_2';
export const AMOUNT = 15_000; // 150.00 USD, every milestone's amount unless a test says otherwise
export const FEE_BPS = 1_000; // 10 %
export const FEE = 1_500;
export const NET = 13_500;
export const card: PaymentMethodOnFile = { customerId: 'cus_1', paymentMethodId: 'pm_1' };

export const ref = (milestoneId: string = M1) => ({ contractId: C1, milestoneId });

// ---------------------------------------------------------------------------------------------
// Events (what the decider records)
// ---------------------------------------------------------------------------------------------

export const contractCreated = (): ContractEvent => ({
  type: 'ContractCreated',
  data: { contractId: C1, employerId: employer.id, trainerId: trainer.id, projectName: 'Reward model eval' },
});
export const milestoneCreated = (milestoneId = M1, amountCents = AMOUNT): ContractEvent => ({
  type: 'MilestoneCreated',
  data: { ...ref(milestoneId), name: `Batch ${milestoneId}`, description: '500 prompts', amount: usd(amountCents), dueDate: '2026-12-31' },
});
export const fundingRequested = (milestoneId = M1, amountCents = AMOUNT): ContractEvent => ({
  type: 'MilestoneFundingRequested',
  data: { ...ref(milestoneId), employerId: employer.id, amount: usd(amountCents), ...card },
});
export const funded = (milestoneId = M1, amountCents = AMOUNT): ContractEvent => ({
  type: 'MilestoneFunded',
  data: { ...ref(milestoneId), amount: usd(amountCents), paymentIntentId: `pi_${milestoneId}`, chargeId: `ch_${milestoneId}` },
});
export const fundingFailed = (milestoneId = M1): ContractEvent => ({
  type: 'MilestoneFundingFailed',
  data: { ...ref(milestoneId), reason: 'card declined', declineCode: 'insufficient_funds', paymentIntentId: `pi_${milestoneId}` },
});
export const fundingPending = (nextStep: 'processing' | 'requires_action' = 'processing', paymentIntentId = `pi_${M1}`): ContractEvent => ({
  type: 'MilestoneFundingPending',
  data: { ...ref(M1), paymentIntentId, nextStep },
});
export const chargebackDisputed = (previousStatus: 'funded' | 'pending_approval' | 'approved', amountCents = AMOUNT): ContractEvent => ({
  type: 'MilestoneDisputed',
  data: {
    ...ref(M1), disputedBy: 'service', reason: 'chargeback: fraudulent', previousStatus,
    chargeback: { disputeId: 'dp_1', chargeId: `ch_${M1}`, amount: usd(amountCents) },
  },
});
export const chargebackOpened = (statusAtOpening: 'paid' | 'disputed' | 'refunded', amountCents = AMOUNT): ContractEvent => ({
  type: 'MilestoneChargebackOpened',
  data: { ...ref(M1), disputeId: 'dp_1', chargeId: `ch_${M1}`, amount: usd(amountCents), reason: 'fraudulent', statusAtOpening },
});
/** The bank's verdict; `statusAfter` and `loss` are what decide records for it, given by the spec. */
export const chargebackClosed = (
  outcome: 'won' | 'lost',
  statusAfter: MilestoneStatus,
  loss: ChargebackLoss | null,
  amountCents = AMOUNT,
): ContractEvent => ({
  type: 'MilestoneChargebackClosed',
  data: { ...ref(M1), disputeId: 'dp_1', chargeId: `ch_${M1}`, outcome, amount: usd(amountCents), loss, statusAfter },
});
export const approvalRequested = (milestoneId = M1): ContractEvent => ({
  type: 'MilestoneApprovalRequested',
  data: { ...ref(milestoneId), trainerId: trainer.id, note: 'all 500 prompts labelled' },
});
export const approved = (
  milestoneId = M1,
  { amountCents = AMOUNT, feeBps = FEE_BPS, fee = FEE, net = NET, reason = 'employer' as ApprovalReason } = {},
): ContractEvent => ({
  type: 'MilestoneApproved',
  data: {
    ...ref(milestoneId),
    trainerId: trainer.id,
    amount: usd(amountCents),
    fee: usd(fee),
    net: usd(net),
    feeBps,
    chargeId: `ch_${milestoneId}`,
    reason,
  },
});
/** The auto-release clock of the fixtures: the request went unanswered from here, for 14 days. */
export const AUTO_RELEASE_SINCE = '2027-03-01T10:00:00.000Z';
export const AUTO_RELEASE_DAYS = 14;
export const autoReleaseActor = { role: 'service', id: 'auto-release' } as const;
/** `days` (fractions allowed) after AUTO_RELEASE_SINCE, as an ISO instant. */
export const autoReleaseClock = (days: number): string => new Date(Date.parse(AUTO_RELEASE_SINCE) + days * 86_400_000).toISOString();
export const autoReleaseReminderSent = (daysBefore: number, milestoneId = M1): ContractEvent => ({
  type: 'MilestoneAutoReleaseReminderSent',
  data: { ...ref(milestoneId), employerId: employer.id, trainerId: trainer.id, daysBefore, releaseAt: autoReleaseClock(AUTO_RELEASE_DAYS) },
});
export const payoutCompleted = (milestoneId = M1, amountCents = NET): ContractEvent => ({
  type: 'MilestonePayoutCompleted',
  data: { ...ref(milestoneId), trainerId: trainer.id, amount: usd(amountCents), transferId: `tr_${milestoneId}`, destinationAccountId: 'acct_1' },
});
export const payoutFailed = (attempt: number, milestoneId = M1): ContractEvent => ({
  type: 'MilestonePayoutFailed',
  data: { ...ref(milestoneId), trainerId: trainer.id, reason: 'no payout account', retryable: true, attempt },
});
export const disputed = (
  previousStatus: 'funded' | 'pending_approval',
  milestoneId = M1,
  disputedBy: 'employer' | 'trainer' = 'employer',
): ContractEvent => ({
  type: 'MilestoneDisputed',
  data: { ...ref(milestoneId), disputedBy, reason: 'work not delivered', previousStatus, chargeback: null },
});
/** Support's resolution; by default the whole escrow is released (fee and net as on approval). */
export const disputeResolved = (
  resolution: 'release' | 'refund' | 'split',
  milestoneId = M1,
  { trainer: trainerCents = AMOUNT, refund: refundCents = 0, fee = FEE, net = NET, feeBps = FEE_BPS } = {},
): ContractEvent => ({
  type: 'MilestoneDisputeResolved',
  data: {
    ...ref(milestoneId),
    resolution,
    trainerId: trainer.id,
    trainerAmount: usd(trainerCents),
    refundAmount: usd(refundCents),
    fee: usd(fee),
    net: usd(net),
    feeBps,
    chargeId: `ch_${milestoneId}`,
    note: 'evidence reviewed',
  },
});
export const refundResolved = (milestoneId = M1, amountCents = AMOUNT): ContractEvent =>
  disputeResolved('refund', milestoneId, { trainer: 0, refund: amountCents, fee: 0, net: 0 });
export const refunded = (milestoneId = M1, amountCents = AMOUNT, refundId = `re_${milestoneId}`): ContractEvent => ({
  type: 'MilestoneRefunded',
  data: { ...ref(milestoneId), amount: usd(amountCents), refundId, chargeId: `ch_${milestoneId}` },
});
export const cancelled = (milestoneId = M1): ContractEvent => ({
  type: 'MilestoneCancelled',
  data: { ...ref(milestoneId), reason: 'scope dropped' },
});
export const archived = (): ContractEvent => ({ type: 'ContractArchived', data: { contractId: C1 } });

// ---------------------------------------------------------------------------------------------
// Histories: the events that bring one milestone to each status
// ---------------------------------------------------------------------------------------------

export type ReachableStatus = MilestoneStatus;
export const statuses: readonly ReachableStatus[] = [
  'pending',
  'funding',
  'funded',
  'pending_approval',
  'approved',
  'paid',
  'disputed',
  'refunded',
  'cancelled',
];

/** The milestone's own events, from its creation up to the given status. */
export const milestoneAt: Record<ReachableStatus, (milestoneId?: string, amountCents?: number) => ContractEvent[]> = {
  pending: (id = M1, cents = AMOUNT) => [milestoneCreated(id, cents)],
  funding: (id = M1, cents = AMOUNT) => [...milestoneAt.pending(id, cents), fundingRequested(id, cents)],
  funded: (id = M1, cents = AMOUNT) => [...milestoneAt.funding(id, cents), funded(id, cents)],
  pending_approval: (id = M1, cents = AMOUNT) => [...milestoneAt.funded(id, cents), approvalRequested(id)],
  approved: (id = M1, cents = AMOUNT) => [...milestoneAt.pending_approval(id, cents), approved(id)],
  paid: (id = M1, cents = AMOUNT) => [...milestoneAt.approved(id, cents), payoutCompleted(id)],
  disputed: (id = M1, cents = AMOUNT) => [...milestoneAt.funded(id, cents), disputed('funded', id)],
  // Support sent the whole escrow back and the refund went through.
  refunded: (id = M1, cents = AMOUNT) => [...milestoneAt.disputed(id, cents), refundResolved(id, cents), refunded(id, cents)],
  cancelled: (id = M1, cents = AMOUNT) => [...milestoneAt.pending(id, cents), cancelled(id)],
};

/** A contract (employer emp_1, trainer tr_1) holding the given milestones' histories. */
export const contractWith = (...milestones: ContractEvent[][]): ContractEvent[] => [contractCreated(), ...milestones.flat()];

/** A contract whose only milestone, m_1, is in the given status. */
export const contractAt = (status: ReachableStatus): ContractEvent[] => contractWith(milestoneAt[status]());

// ---------------------------------------------------------------------------------------------
// Commands (each issued by the actor entitled to it; `by` swaps the actor)
// ---------------------------------------------------------------------------------------------

export const by = <C extends ContractCommand>(actor: Actor, command: C): C => ({ ...command, actor });

export const hireTrainer = (): HireTrainer => ({
  type: 'HireTrainer',
  actor: employer,
  data: {
    ...ref(M1),
    trainerId: trainer.id,
    projectName: 'Reward model eval',
    firstMilestone: { name: `Batch ${M1}`, description: '500 prompts', amount: usd(AMOUNT), dueDate: '2026-12-31' },
  },
});
export const addMilestone = (milestoneId = M2): AddMilestone => ({
  type: 'AddMilestone',
  actor: employer,
  data: { ...ref(milestoneId), name: `Batch ${milestoneId}`, description: '500 prompts', amount: usd(AMOUNT), dueDate: '2026-12-31' },
});
export const requestFunding = (data: Partial<RequestFunding['data']> = {}): RequestFunding => ({
  type: 'RequestFunding',
  actor: employer,
  data: { ...ref(), paymentMethod: card, ...data },
});
export const recordFunded = (data: Partial<RecordFunded['data']> = {}): RecordFunded => ({
  type: 'RecordFunded',
  actor: service,
  data: { ...ref(), paymentIntentId: `pi_${data.milestoneId ?? M1}`, chargeId: `ch_${data.milestoneId ?? M1}`, amountCents: AMOUNT, ...data },
});
export const recordFundingFailed = (data: Partial<RecordFundingFailed['data']> = {}): RecordFundingFailed => ({
  type: 'RecordFundingFailed',
  actor: service,
  data: { ...ref(), reason: 'card declined', declineCode: 'insufficient_funds', paymentIntentId: `pi_${data.milestoneId ?? M1}`, ...data },
});
export const recordFundingPending = (data: Partial<RecordFundingPending['data']> = {}): RecordFundingPending => ({
  type: 'RecordFundingPending',
  actor: service,
  data: { ...ref(), paymentIntentId: `pi_${M1}`, nextStep: 'processing', ...data },
});
export const recordChargebackOpened = (data: Partial<RecordChargebackOpened['data']> = {}): RecordChargebackOpened => ({
  type: 'RecordChargebackOpened',
  actor: service,
  data: { ...ref(), disputeId: 'dp_1', chargeId: `ch_${M1}`, amountCents: AMOUNT, reason: 'fraudulent', ...data },
});
export const recordChargebackClosed = (data: Partial<RecordChargebackClosed['data']> = {}): RecordChargebackClosed => ({
  type: 'RecordChargebackClosed',
  actor: service,
  data: { ...ref(), disputeId: 'dp_1', outcome: 'won', ...data },
});
export const requestApproval = (data: Partial<RequestApproval['data']> = {}): RequestApproval => ({
  type: 'RequestApproval',
  actor: trainer,
  data: { ...ref(), note: 'all 500 prompts labelled', ...data },
});
export const approve = (data: Partial<Approve['data']> = {}): Approve => ({
  type: 'Approve',
  actor: employer,
  data: { ...ref(), feeBps: FEE_BPS, ...data },
});
/** The service's reminder `daysBefore` days ahead, sent at the reminder's time. */
export const remindAutoRelease = (daysBefore = 7, data: Partial<RemindAutoRelease['data']> = {}): RemindAutoRelease => ({
  type: 'RemindAutoRelease',
  actor: autoReleaseActor,
  data: {
    ...ref(),
    daysBefore,
    autoRelease: { now: autoReleaseClock(AUTO_RELEASE_DAYS - daysBefore), pendingApprovalSince: AUTO_RELEASE_SINCE, afterDays: AUTO_RELEASE_DAYS },
    ...data,
  },
});
export const recordPayoutCompleted = (data: Partial<RecordPayoutCompleted['data']> = {}): RecordPayoutCompleted => ({
  type: 'RecordPayoutCompleted',
  actor: service,
  data: { ...ref(), transferId: `tr_${data.milestoneId ?? M1}`, destinationAccountId: 'acct_1', amountCents: NET, ...data },
});
export const recordPayoutFailed = (data: Partial<RecordPayoutFailed['data']> = {}): RecordPayoutFailed => ({
  type: 'RecordPayoutFailed',
  actor: service,
  data: { ...ref(), reason: 'no payout account', retryable: true, ...data },
});
export const dispute = (data: Partial<Dispute['data']> = {}): Dispute => ({
  type: 'Dispute',
  actor: employer,
  data: { ...ref(), reason: 'work not delivered', ...data },
});
export const resolveDispute = (data: Partial<ResolveDispute['data']> = {}): ResolveDispute => ({
  type: 'ResolveDispute',
  actor: support,
  data: { ...ref(), resolution: 'release', trainerAmountCents: null, note: 'evidence reviewed', feeBps: FEE_BPS, ...data },
});
export const recordRefunded = (data: Partial<RecordRefunded['data']> = {}): RecordRefunded => ({
  type: 'RecordRefunded',
  actor: service,
  data: { ...ref(), refundId: `re_${data.milestoneId ?? M1}`, amountCents: AMOUNT, ...data },
});
/** The provider's view of a refund of m_1's funding: succeeded, for the whole amount. */
export const providerRefund = (facts: Partial<ProviderRefundFacts> = {}): ProviderRefundFacts => ({
  chargeId: `ch_${M1}`,
  paymentIntentId: `pi_${M1}`,
  amountCents: AMOUNT,
  status: 'succeeded',
  ...facts,
});
export const recordExternalRefund = (data: Partial<RecordExternalRefund['data']> = {}): RecordExternalRefund => ({
  type: 'RecordExternalRefund',
  actor: support,
  data: { ...ref(), refundId: `re_${M1}`, atProvider: providerRefund(), ...data },
});
export const cancel = (data: Partial<Cancel['data']> = {}): Cancel => ({
  type: 'Cancel',
  actor: employer,
  data: { ...ref(), reason: 'scope dropped', ...data },
});
export const archive = (): Archive => ({ type: 'Archive', actor: employer, data: { contractId: C1 } });
export const addSupportNote = (data: Partial<AddSupportNote['data']> = {}): AddSupportNote => ({
  type: 'AddSupportNote',
  actor: support,
  data: { ...ref(), noteId: 'note_1', note: 'called the employer; evidence requested', ...data },
});
export const supportNoteAdded = (milestoneId = M1, noteId = 'note_1', note = 'called the employer; evidence requested'): ContractEvent => ({
  type: 'MilestoneSupportNoteAdded',
  data: { ...ref(milestoneId), noteId, supportId: support.id, note },
});

/** The event with some of its data replaced: other ids, another reason, and so on. */
export const withData = (event: ContractEvent, data: object): ContractEvent => ({ ...event, data: { ...event.data, ...data } }) as ContractEvent;

/** The milestone as the stream reads back after these events. */
export function milestoneAfter(events: readonly ContractEvent[], milestoneId = M1): MilestoneState {
  const state = replay(events);
  expect(state.status).not.toBe('none');
  const milestone = (state as ContractOpen).milestones[milestoneId];
  expect(milestone).toBeDefined();
  return milestone!;
}
