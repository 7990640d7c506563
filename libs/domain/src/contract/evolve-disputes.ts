import { assert } from '../shared/assert';
import type { MilestoneDisputeResolved, MilestoneDisputed, MilestoneRefunded } from './events';
import { withChargeback } from './evolve-chargebacks';
import { knownMilestone, updateMilestone } from './milestone-updates';
import type { ContractOpen, MilestoneStatus } from './state';

/** The dispute remembers where to go back to; a chargeback's dispute also opens its record. */
export function evolveDisputed(state: ContractOpen, event: MilestoneDisputed): ContractOpen {
  const { milestoneId, previousStatus, chargeback } = event.data;
  const milestone = knownMilestone(state, milestoneId);
  const chargebacks = chargeback ? withChargeback(milestone, chargeback.disputeId, chargeback.chargeId, chargeback.amount.amountCents) : milestone.chargebacks;
  const dispute = { previousStatus, chargebackDisputeId: chargeback?.disputeId ?? null };
  return updateMilestone(state, milestoneId, { status: 'disputed', dispute, chargebacks, wasDisputed: true });
}

export function evolveDisputeResolved(state: ContractOpen, event: MilestoneDisputeResolved): ContractOpen {
  const { milestoneId, resolution, net, fee, refundAmount, trainerAmount } = event.data;
  // Released money follows the approval path (a payout); a full refund waits for the refund.
  const status: MilestoneStatus = resolution === 'refund' ? 'disputed' : 'approved';
  return updateMilestone(state, milestoneId, {
    status,
    netCents: resolution === 'refund' ? null : net.amountCents,
    feeCents: resolution === 'refund' ? null : fee.amountCents,
    refundPendingCents: refundAmount.amountCents,
    escrowCents: knownMilestone(state, milestoneId).escrowCents - trainerAmount.amountCents,
    dispute: null,
  });
}

/** Only a disputed milestone whose refund is complete becomes refunded; a split stays on its payout path. */
export function evolveRefunded(state: ContractOpen, event: MilestoneRefunded): ContractOpen {
  const milestone = state.milestones[event.data.milestoneId];
  assert(milestone !== undefined, `refund for known milestone ${event.data.milestoneId}`);
  const refundPendingCents = milestone.refundPendingCents - event.data.amount.amountCents;
  assert(refundPendingCents >= 0, `milestone ${milestone.milestoneId} is not refunded more than resolved`);
  const status: MilestoneStatus = milestone.status === 'disputed' && refundPendingCents === 0 ? 'refunded' : milestone.status;
  const escrowCents = milestone.escrowCents - event.data.amount.amountCents;
  const refundIds = [...milestone.refundIds, event.data.refundId];
  return updateMilestone(state, event.data.milestoneId, { status, refundPendingCents, escrowCents, refundIds });
}
