import { conflict, forbidden, notFound } from '../shared/errors';
import type { Actor } from '../shared/metadata';
import type { ContractOpen, MilestoneState, MilestoneStatus } from './state';

/**
 * The checks every command family shares, in one place so that a refusal reads the same (same
 * code, same message) whichever command hits it. They throw domain errors: a business refusal,
 * not a bug.
 */

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

export function requireActive(state: ContractOpen): void {
  if (state.status !== 'active') throw conflict('contract_archived', `contract ${state.contractId} is ${state.status}`);
}

export function requireEmployer(state: ContractOpen, actor: Actor): void {
  if (actor.role !== 'employer' || actor.id !== state.employerId) {
    throw forbidden('not_contract_employer', `only the contract's employer can do this`);
  }
}

export function requireTrainer(state: ContractOpen, actor: Actor): void {
  if (actor.role !== 'trainer' || actor.id !== state.trainerId) {
    throw forbidden('not_contract_trainer', `only the contract's trainer can do this`);
  }
}

export function requireParty(state: ContractOpen, actor: Actor): void {
  const isEmployer = actor.role === 'employer' && actor.id === state.employerId;
  const isTrainer = actor.role === 'trainer' && actor.id === state.trainerId;
  if (!isEmployer && !isTrainer) throw forbidden('not_contract_party', `only the contract's employer or trainer can do this`);
}

/** `action` completes "only support can …": support acts on a contract it is no party to. */
export function requireSupport(actor: Actor, action: string): void {
  if (actor.role !== 'support') throw forbidden('not_support', `only support can ${action}`);
}

export function requireService(actor: Actor): void {
  if (actor.role !== 'service') throw forbidden('not_service', 'payment outcomes are recorded by the payment service only');
}
