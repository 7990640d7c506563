import type { MilestoneFunded, MilestoneFundingFailed, MilestoneFundingPending, MilestoneFundingRequested } from './events';
import { knownMilestone, updateMilestone } from './milestone-updates';
import type { ContractOpen } from './state';

/** A new request starts a new attempt: the previous attempt's intent and step are forgotten. */
export function evolveFundingRequested(state: ContractOpen, event: MilestoneFundingRequested): ContractOpen {
  return updateMilestone(state, event.data.milestoneId, { status: 'funding', paymentIntentId: null, fundingNextStep: null });
}

export function evolveFundingPending(state: ContractOpen, event: MilestoneFundingPending): ContractOpen {
  return updateMilestone(state, event.data.milestoneId, { paymentIntentId: event.data.paymentIntentId, fundingNextStep: event.data.nextStep });
}

/** The funding intent is kept apart from the current one, so its outcome reported again is recognised. */
export function evolveFunded(state: ContractOpen, event: MilestoneFunded): ContractOpen {
  return updateMilestone(state, event.data.milestoneId, {
    status: 'funded',
    chargeId: event.data.chargeId,
    paymentIntentId: event.data.paymentIntentId,
    fundedPaymentIntentId: event.data.paymentIntentId,
    fundingNextStep: null,
    escrowCents: event.data.amount.amountCents,
  });
}

/** Failed intents are remembered so that a late success of one is refused, not recorded. */
export function evolveFundingFailed(state: ContractOpen, event: MilestoneFundingFailed): ContractOpen {
  const { milestoneId, paymentIntentId } = event.data;
  const failed = knownMilestone(state, milestoneId).failedPaymentIntentIds;
  const failedPaymentIntentIds = paymentIntentId === null ? failed : [...failed, paymentIntentId];
  return updateMilestone(state, milestoneId, { status: 'pending', fundingNextStep: null, failedPaymentIntentIds });
}
