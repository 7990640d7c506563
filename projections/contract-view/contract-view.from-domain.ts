import { assert, type ContractOpen, type MilestoneState } from '@escrow/domain';
import type { ContractFacts } from './contract-view.facts';
import type { ContractView, MilestoneFacts, MilestoneView } from './contract-view.model';

/**
 * The served view: the events' facts, with every status and every rule-moved amount read from
 * the domain's own fold of the same events, so the view cannot tell a different story than the
 * decider acts on.
 */
export function viewOf(facts: ContractFacts, state: ContractOpen): ContractView {
  return {
    ...facts,
    status: state.status,
    milestones: facts.milestones.map((m) => milestoneView(m, domainMilestone(state, m.milestoneId))),
  };
}

/** The domain's milestone, asserted there: the view and the domain fold the same events. */
export function domainMilestone(state: ContractOpen, milestoneId: string): MilestoneState {
  const milestone = state.milestones[milestoneId];
  assert(milestone !== undefined, `contract ${state.contractId} has milestone ${milestoneId}`);
  return milestone;
}

function milestoneView(facts: MilestoneFacts, milestone: MilestoneState): MilestoneView {
  return {
    ...facts,
    status: milestone.status,
    feeCents: milestone.feeCents,
    netCents: milestone.netCents,
    refundPendingCents: milestone.refundPendingCents,
    payoutAttempts: milestone.payoutAttempts,
    fundingNextStep: milestone.fundingNextStep,
    chargebacks: facts.chargebacks.map((chargeback) => ({
      ...chargeback,
      status: milestone.chargebacks[chargeback.disputeId]?.outcome ?? 'open',
    })),
  };
}
