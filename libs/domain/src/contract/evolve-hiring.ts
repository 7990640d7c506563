import type { ContractArchived, MilestoneCancelled, MilestoneCreated } from './events';
import { updateMilestone, withMilestone } from './milestone-updates';
import type { ContractOpen } from './state';

/** A new milestone starts empty: no attempt, no escrow, no dispute; the other events fill it in. */
export function evolveMilestoneCreated(state: ContractOpen, event: MilestoneCreated): ContractOpen {
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
    wasDisputed: false,
    chargebacks: {},
  });
}

export function evolveMilestoneCancelled(state: ContractOpen, event: MilestoneCancelled): ContractOpen {
  return updateMilestone(state, event.data.milestoneId, { status: 'cancelled' });
}

export function evolveContractArchived(state: ContractOpen, _event: ContractArchived): ContractOpen {
  return { ...state, status: 'archived' };
}
