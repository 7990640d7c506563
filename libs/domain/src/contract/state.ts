import { assert, assertNever } from '../shared/assert';
import type {
  ChargebackOutcome,
  ContractEvent,
  DisputedFromStatus,
  FundingNextStep,
  MilestoneChargebackClosed,
  MilestoneStatusName,
} from './events';

export type MilestoneStatus = MilestoneStatusName;

export interface MilestoneState {
  readonly milestoneId: string;
  readonly name: string;
  readonly amountCents: number;
  readonly status: MilestoneStatus;
  readonly chargeId: string | null;
  /** What the trainer is owed once approved: the amount less the platform fee. */
  readonly netCents: number | null;
  readonly payoutAttempts: number;
  /** Escrowed cents a dispute resolution sent back to the employer that are not refunded yet. */
  readonly refundPendingCents: number;
  /** The current funding attempt's payment intent, once the saga or a webhook named it. */
  readonly paymentIntentId: string | null;
  /** What the current attempt waits for (bank debit, 3-D Secure); null when not pending. */
  readonly fundingNextStep: FundingNextStep | null;
  /** The payment intent that funded the milestone: its outcome may be reported again, harmlessly. */
  readonly fundedPaymentIntentId: string | null;
  readonly failedPaymentIntentIds: readonly string[];
  readonly refundIds: readonly string[];
  readonly transferIds: readonly string[];
  /** Cents of this milestone still held in the contract's escrow account. */
  readonly escrowCents: number;
  /** The platform fee of the release (approval or resolution) the trainer is owed or was paid. */
  readonly feeCents: number | null;
  /** While disputed: where to go back to, and the chargeback that disputes it (null for a party's dispute). */
  readonly dispute: { readonly previousStatus: DisputedFromStatus; readonly chargebackDisputeId: string | null } | null;
  readonly chargebacks: Readonly<Record<string, ChargebackState>>;
}

export interface ChargebackState {
  readonly disputeId: string;
  readonly chargeId: string;
  readonly amountCents: number;
  readonly outcome: ChargebackOutcome | null;
}

export const hasOpenChargeback = (milestone: MilestoneState): boolean =>
  Object.values(milestone.chargebacks).some((chargeback) => chargeback.outcome === null);

export interface ContractOpen {
  readonly status: 'active' | 'archived';
  readonly contractId: string;
  readonly employerId: string;
  readonly trainerId: string;
  readonly projectName: string;
  readonly milestones: Readonly<Record<string, MilestoneState>>;
}

export type ContractState = { readonly status: 'none' } | ContractOpen;

export const initialState = (): ContractState => ({ status: 'none' });

export function evolve(state: ContractState, event: ContractEvent): ContractState {
  if (event.type === 'ContractCreated') {
    assert(state.status === 'none', 'ContractCreated starts a stream');
    return { status: 'active', ...event.data, milestones: {} };
  }
  assert(state.status !== 'none', `${event.type} follows ContractCreated`);
  switch (event.type) {
    case 'MilestoneCreated':
      return withMilestone(state, event.data.milestoneId, {
        milestoneId: event.data.milestoneId,
        name: event.data.name,
        amountCents: event.data.amount.amountCents,
        status: 'pending',
        chargeId: null,
        netCents: null,
        payoutAttempts: 0,
        refundPendingCents: 0,
        paymentIntentId: null,
        fundingNextStep: null,
        fundedPaymentIntentId: null,
        failedPaymentIntentIds: [],
        refundIds: [],
        transferIds: [],
        escrowCents: 0,
        feeCents: null,
        dispute: null,
        chargebacks: {},
      });
    case 'MilestoneFundingRequested':
      return updateMilestone(state, event.data.milestoneId, { status: 'funding', paymentIntentId: null, fundingNextStep: null });
    case 'MilestoneFundingPending':
      return updateMilestone(state, event.data.milestoneId, { paymentIntentId: event.data.paymentIntentId, fundingNextStep: event.data.nextStep });
    case 'MilestoneFunded':
      return updateMilestone(state, event.data.milestoneId, {
        status: 'funded',
        chargeId: event.data.chargeId,
        paymentIntentId: event.data.paymentIntentId,
        fundedPaymentIntentId: event.data.paymentIntentId,
        fundingNextStep: null,
        escrowCents: event.data.amount.amountCents,
      });
    case 'MilestoneFundingFailed': {
      const { milestoneId, paymentIntentId } = event.data;
      const failed = milestoneOf(state, milestoneId).failedPaymentIntentIds;
      const failedPaymentIntentIds = paymentIntentId === null ? failed : [...failed, paymentIntentId];
      return updateMilestone(state, milestoneId, { status: 'pending', fundingNextStep: null, failedPaymentIntentIds });
    }
    case 'MilestoneApprovalRequested':
      return updateMilestone(state, event.data.milestoneId, { status: 'pending_approval' });
    case 'MilestoneApproved': {
      const { milestoneId, amount, fee, net } = event.data;
      const escrowCents = milestoneOf(state, milestoneId).escrowCents - amount.amountCents;
      return updateMilestone(state, milestoneId, { status: 'approved', netCents: net.amountCents, feeCents: fee.amountCents, escrowCents });
    }
    case 'MilestonePayoutCompleted': {
      const transferIds = [...milestoneOf(state, event.data.milestoneId).transferIds, event.data.transferId];
      return updateMilestone(state, event.data.milestoneId, { status: 'paid', transferIds });
    }
    case 'MilestonePayoutFailed':
      return updateMilestone(state, event.data.milestoneId, { payoutAttempts: event.data.attempt });
    case 'MilestoneDisputed': {
      const { milestoneId, previousStatus, chargeback } = event.data;
      const milestone = milestoneOf(state, milestoneId);
      const chargebacks = chargeback ? withChargeback(milestone, chargeback.disputeId, chargeback.chargeId, chargeback.amount.amountCents) : milestone.chargebacks;
      const dispute = { previousStatus, chargebackDisputeId: chargeback?.disputeId ?? null };
      return updateMilestone(state, milestoneId, { status: 'disputed', dispute, chargebacks });
    }
    case 'MilestoneChargebackOpened': {
      const { milestoneId, disputeId, chargeId, amount } = event.data;
      return updateMilestone(state, milestoneId, { chargebacks: withChargeback(milestoneOf(state, milestoneId), disputeId, chargeId, amount.amountCents) });
    }
    case 'MilestoneChargebackClosed': {
      const milestone = milestoneOf(state, event.data.milestoneId);
      const change = afterChargebackClosed(milestone, event.data);
      const status = change.status ?? milestone.status;
      assert(status === event.data.statusAfter, `chargeback ${event.data.disputeId} leaves milestone ${milestone.milestoneId} ${status}`);
      return updateMilestone(state, event.data.milestoneId, change);
    }
    case 'MilestoneDisputeResolved': {
      const { milestoneId, resolution, net, fee, refundAmount, trainerAmount } = event.data;
      // Released money follows the approval path (a payout); a full refund waits for the refund.
      const status: MilestoneStatus = resolution === 'refund' ? 'disputed' : 'approved';
      return updateMilestone(state, milestoneId, {
        status,
        netCents: resolution === 'refund' ? null : net.amountCents,
        feeCents: resolution === 'refund' ? null : fee.amountCents,
        refundPendingCents: refundAmount.amountCents,
        escrowCents: milestoneOf(state, milestoneId).escrowCents - trainerAmount.amountCents,
        dispute: null,
      });
    }
    case 'MilestoneRefunded': {
      const milestone = state.milestones[event.data.milestoneId];
      assert(milestone !== undefined, `refund for known milestone ${event.data.milestoneId}`);
      const refundPendingCents = milestone.refundPendingCents - event.data.amount.amountCents;
      assert(refundPendingCents >= 0, `milestone ${milestone.milestoneId} is not refunded more than resolved`);
      const status: MilestoneStatus = milestone.status === 'disputed' && refundPendingCents === 0 ? 'refunded' : milestone.status;
      const escrowCents = milestone.escrowCents - event.data.amount.amountCents;
      const refundIds = [...milestone.refundIds, event.data.refundId];
      return updateMilestone(state, event.data.milestoneId, { status, refundPendingCents, escrowCents, refundIds });
    }
    case 'MilestoneCancelled':
      return updateMilestone(state, event.data.milestoneId, { status: 'cancelled' });
    case 'ContractArchived':
      return { ...state, status: 'archived' };
    default:
      return assertNever(event, 'contract event');
  }
}

function milestoneOf(state: ContractOpen, milestoneId: string): MilestoneState {
  const milestone = state.milestones[milestoneId];
  assert(milestone !== undefined, `event refers to known milestone ${milestoneId}`);
  return milestone;
}

function withChargeback(milestone: MilestoneState, disputeId: string, chargeId: string, amountCents: number): MilestoneState['chargebacks'] {
  assert(milestone.chargebacks[disputeId] === undefined, `chargeback ${disputeId} is opened once`);
  return { ...milestone.chargebacks, [disputeId]: { disputeId, chargeId, amountCents, outcome: null } };
}

/**
 * Won: a milestone this chargeback disputed goes back to where it was. Lost: the money the loss
 * took from escrow is gone; what is left (a partial chargeback) waits for support's decision,
 * and nothing at all left means refunded. A chargeback that did not dispute the milestone
 * (it was paid, refunded or already disputed by a party) changes only its own record.
 */
export function afterChargebackClosed(
  milestone: MilestoneState,
  closed: Pick<MilestoneChargebackClosed['data'], 'disputeId' | 'outcome' | 'loss'>,
): Partial<MilestoneState> {
  const { disputeId, outcome, loss } = closed;
  const chargeback = milestone.chargebacks[disputeId];
  assert(chargeback !== undefined && chargeback.outcome === null, `chargeback ${disputeId} is open when it closes`);
  const chargebacks = { ...milestone.chargebacks, [disputeId]: { ...chargeback, outcome } };
  const disputesIt = milestone.status === 'disputed' && milestone.dispute?.chargebackDisputeId === disputeId;
  if (!disputesIt || milestone.dispute === null) return { chargebacks };
  if (outcome === 'won') return { chargebacks, status: milestone.dispute.previousStatus, dispute: null };
  assert(loss !== null, `lost chargeback ${disputeId} says where its money came from`);
  const reversedCents = loss.reversedRelease ? loss.reversedRelease.fee.amountCents + loss.reversedRelease.net.amountCents : 0;
  const escrowCents = milestone.escrowCents + reversedCents - loss.fromEscrow.amountCents;
  assert(escrowCents >= 0, `chargeback ${disputeId} takes no more than milestone ${milestone.milestoneId} holds`);
  const rest: Partial<MilestoneState> = { chargebacks, escrowCents, netCents: null, feeCents: null, refundPendingCents: 0 };
  if (escrowCents === 0) return { ...rest, status: 'refunded', dispute: null };
  return { ...rest, status: 'disputed', dispute: { previousStatus: milestone.dispute.previousStatus, chargebackDisputeId: null } };
}

function withMilestone(state: ContractOpen, milestoneId: string, milestone: MilestoneState): ContractOpen {
  assert(state.milestones[milestoneId] === undefined, `milestone ${milestoneId} is created once`);
  return { ...state, milestones: { ...state.milestones, [milestoneId]: milestone } };
}

function updateMilestone(state: ContractOpen, milestoneId: string, change: Partial<MilestoneState>): ContractOpen {
  const milestone = state.milestones[milestoneId];
  assert(milestone !== undefined, `event refers to known milestone ${milestoneId}`);
  return { ...state, milestones: { ...state.milestones, [milestoneId]: { ...milestone, ...change } } };
}

export function replay(events: readonly ContractEvent[]): ContractState {
  return events.reduce(evolve, initialState());
}
