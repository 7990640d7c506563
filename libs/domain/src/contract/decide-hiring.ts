import { conflict, forbidden } from '../shared/errors';
import type { AddMilestone, Archive, Cancel, HireTrainer } from './commands';
import type { ContractEvent } from './events';
import { milestoneIn, ref, requireActive, requireEmployer } from './guards';
import { hasOpenChargeback, type ContractOpen, type ContractState, type MilestoneStatus } from './state';

/** Statuses that still hold money or work in flight: the contract cannot be archived over them. */
export const unresolvedStatuses: readonly MilestoneStatus[] = [
  'pending',
  'funding',
  'funded',
  'pending_approval',
  'approved',
  'disputed',
];

/** The one command that starts a stream: the hiring employer becomes the contract's employer. */
export function decideHireTrainer(command: HireTrainer, state: ContractState): ContractEvent[] {
  if (command.actor.role !== 'employer') throw forbidden('not_employer', 'only an employer can hire a trainer');
  if (state.status !== 'none') throw conflict('contract_exists', `contract ${command.data.contractId} already exists`);
  const { contractId, milestoneId, trainerId, projectName, firstMilestone } = command.data;
  return [
    { type: 'ContractCreated', data: { contractId, employerId: command.actor.id, trainerId, projectName } },
    { type: 'MilestoneCreated', data: { contractId, milestoneId, ...firstMilestone } },
  ];
}

export function decideAddMilestone(command: AddMilestone, state: ContractOpen): ContractEvent[] {
  requireEmployer(state, command.actor);
  requireActive(state);
  const { contractId, milestoneId, ...draft } = command.data;
  if (state.milestones[milestoneId]) throw conflict('milestone_exists', `milestone ${milestoneId} already exists`);
  return [{ type: 'MilestoneCreated', data: { contractId, milestoneId, ...draft } }];
}

/** Only a milestone no money moved for yet can be cancelled; after that it is disputed instead. */
export function decideCancel(command: Cancel, state: ContractOpen): ContractEvent[] {
  requireEmployer(state, command.actor);
  const milestone = milestoneIn(state, command.data.milestoneId, 'pending', 'cancel');
  return [{ type: 'MilestoneCancelled', data: { ...ref(state, milestone), reason: command.data.reason } }];
}

/** Archiving is final: refused while any milestone still holds money, owes a refund or is charged back. */
export function decideArchive(command: Archive, state: ContractOpen): ContractEvent[] {
  requireEmployer(state, command.actor);
  requireActive(state);
  const milestones = Object.values(state.milestones);
  const blocking = milestones.find((m) => unresolvedStatuses.includes(m.status));
  if (blocking) {
    throw conflict(
      'milestone_unresolved',
      `cannot archive: milestone ${blocking.milestoneId} is ${blocking.status}; it must be paid, refunded or cancelled first`,
    );
  }
  const chargedBack = milestones.find(hasOpenChargeback);
  if (chargedBack) {
    throw conflict('chargeback_open', `cannot archive: milestone ${chargedBack.milestoneId} has an open chargeback`);
  }
  const refunding = milestones.find((m) => m.refundPendingCents > 0);
  if (refunding) {
    throw conflict('refund_pending', `cannot archive: milestone ${refunding.milestoneId} still has a refund pending`);
  }
  return [{ type: 'ContractArchived', data: { contractId: state.contractId } }];
}
