import { assert } from '../shared/assert';
import type { MilestoneChargebackClosed, MilestoneChargebackOpened } from './events';
import { knownMilestone, updateMilestone } from './milestone-updates';
import type { ContractOpen, MilestoneState } from './state';

/** A chargeback the milestone only records (money already gone, or support holds the dispute). */
export function evolveChargebackOpened(state: ContractOpen, event: MilestoneChargebackOpened): ContractOpen {
  const { milestoneId, disputeId, chargeId, amount } = event.data;
  return updateMilestone(state, milestoneId, {
    chargebacks: withChargeback(knownMilestone(state, milestoneId), disputeId, chargeId, amount.amountCents),
    wasDisputed: true,
  });
}

/** The event states the status it leaves; replaying the rule must agree, or the stream is corrupt. */
export function evolveChargebackClosed(state: ContractOpen, event: MilestoneChargebackClosed): ContractOpen {
  const milestone = knownMilestone(state, event.data.milestoneId);
  const change = afterChargebackClosed(milestone, event.data);
  const status = change.status ?? milestone.status;
  assert(status === event.data.statusAfter, `chargeback ${event.data.disputeId} leaves milestone ${milestone.milestoneId} ${status}`);
  return updateMilestone(state, event.data.milestoneId, change);
}

export function withChargeback(milestone: MilestoneState, disputeId: string, chargeId: string, amountCents: number): MilestoneState['chargebacks'] {
  assert(milestone.chargebacks[disputeId] === undefined, `chargeback ${disputeId} is opened once`);
  return { ...milestone.chargebacks, [disputeId]: { disputeId, chargeId, amountCents, outcome: null } };
}

/**
 * Won: a milestone this chargeback disputed goes back to where it was. Lost: the money the loss
 * took from escrow is gone; what is left (a partial chargeback) waits for support's decision,
 * and nothing at all left means refunded. A chargeback that did not dispute the milestone
 * (it was paid, refunded or already disputed by a party) changes only its own record.
 * Shared with `decide`, which records the resulting status in the event.
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
