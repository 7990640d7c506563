import type { MilestoneApprovalRequested, MilestoneApproved, MilestonePayoutCompleted, MilestonePayoutFailed } from './events';
import { knownMilestone, updateMilestone } from './milestone-updates';
import type { ContractOpen } from './state';

export function evolveApprovalRequested(state: ContractOpen, event: MilestoneApprovalRequested): ContractOpen {
  return updateMilestone(state, event.data.milestoneId, { status: 'pending_approval' });
}

/** Approval releases the whole amount from escrow: it is now owed to the trainer (net) and the platform (fee). */
export function evolveApproved(state: ContractOpen, event: MilestoneApproved): ContractOpen {
  const { milestoneId, amount, fee, net } = event.data;
  const escrowCents = knownMilestone(state, milestoneId).escrowCents - amount.amountCents;
  return updateMilestone(state, milestoneId, { status: 'approved', netCents: net.amountCents, feeCents: fee.amountCents, escrowCents });
}

export function evolvePayoutCompleted(state: ContractOpen, event: MilestonePayoutCompleted): ContractOpen {
  const transferIds = [...knownMilestone(state, event.data.milestoneId).transferIds, event.data.transferId];
  return updateMilestone(state, event.data.milestoneId, { status: 'paid', transferIds });
}

export function evolvePayoutFailed(state: ContractOpen, event: MilestonePayoutFailed): ContractOpen {
  return updateMilestone(state, event.data.milestoneId, { payoutAttempts: event.data.attempt });
}
