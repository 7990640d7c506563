import { conflict, forbidden, notFound } from '../shared/errors';
import type { Actor } from '../shared/metadata';
import type { ContractOpen, MilestoneState, MilestoneStatus } from './state';

export function ref(state: ContractOpen, milestone: MilestoneState) {
  return { contractId: state.contractId, milestoneId: milestone.milestoneId };
}

export function milestoneIn(
  state: ContractOpen,
  milestoneId: string,
  allowed: MilestoneStatus | readonly MilestoneStatus[],
  action: string,
): MilestoneState {
  const milestone = milestoneOf(state, milestoneId);
  const allowedStatuses: readonly MilestoneStatus[] = typeof allowed === 'string' ? [allowed] : allowed;
  if (!allowedStatuses.includes(milestone.status)) {
    throw conflict(
      'illegal_transition',
      `cannot ${action} milestone ${milestoneId}: its status is ${milestone.status} (allowed from ${allowedStatuses.join(', ')})`,
    );
  }
  return milestone;
}

export function milestoneOf(state: ContractOpen, milestoneId: string): MilestoneState {
  const milestone = state.milestones[milestoneId];
  if (!milestone) throw notFound('milestone_not_found', `milestone ${milestoneId} does not exist in contract ${state.contractId}`);
  return milestone;
}

export function requireService(actor: Actor): void {
  if (actor.role !== 'service') throw forbidden('not_service', 'payment outcomes are recorded by the payment service only');
}
