import { assert, assertNever } from '../shared/assert';
import { conflict, forbidden, notFound, unprocessable } from '../shared/errors';
import { Money, usd } from '../shared/money';
import type { Actor } from '../shared/metadata';
import type { ContractCommand, HireTrainer } from './commands';
import type { ContractEvent } from './events';
import { decideChargebackClosed, decideChargebackOpened } from './chargebacks';
import { decideExternalRefund } from './external-refunds';
import { decideFunded, decideFundingFailed, decideFundingPending } from './funding-outcomes';
import { milestoneIn, milestoneOf, ref, requireService } from './guards';
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

export function decide(command: ContractCommand, state: ContractState): ContractEvent[] {
  if (command.type === 'HireTrainer') return hire(command, state);
  if (state.status === 'none') {
    throw notFound('contract_not_found', `contract ${command.data.contractId} does not exist`);
  }
  const { actor } = command;
  switch (command.type) {
    case 'AddMilestone': {
      requireEmployer(state, actor);
      requireActive(state);
      const { contractId, milestoneId, ...draft } = command.data;
      if (state.milestones[milestoneId]) throw conflict('milestone_exists', `milestone ${milestoneId} already exists`);
      return [{ type: 'MilestoneCreated', data: { contractId, milestoneId, ...draft } }];
    }
    case 'RequestFunding': {
      requireEmployer(state, actor);
      const milestone = milestoneIn(state, command.data.milestoneId, 'pending', 'fund');
      const { paymentMethod } = command.data;
      if (!paymentMethod) {
        throw unprocessable('payment_method_required', 'employer has no payment method on file; attach one first');
      }
      return [
        {
          type: 'MilestoneFundingRequested',
          data: {
            ...ref(state, milestone),
            employerId: state.employerId,
            amount: usd(milestone.amountCents),
            ...paymentMethod,
          },
        },
      ];
    }
    case 'RecordFundingPending':
      return decideFundingPending(command, state);
    case 'RecordFunded':
      return decideFunded(command, state);
    case 'RecordFundingFailed':
      return decideFundingFailed(command, state);
    case 'RecordChargebackOpened':
      return decideChargebackOpened(command, state);
    case 'RecordChargebackClosed':
      return decideChargebackClosed(command, state);
    case 'RequestApproval': {
      requireTrainer(state, actor);
      const milestone = milestoneIn(state, command.data.milestoneId, 'funded', 'request approval of');
      return [
        {
          type: 'MilestoneApprovalRequested',
          data: { ...ref(state, milestone), trainerId: state.trainerId, note: command.data.note },
        },
      ];
    }
    case 'Approve': {
      requireEmployer(state, actor);
      const milestone = milestoneIn(state, command.data.milestoneId, 'pending_approval', 'approve');
      assert(milestone.chargeId !== null, `funded milestone ${milestone.milestoneId} has a charge`);
      const { feeCents, netCents } = Money.feeOf(milestone.amountCents, command.data.feeBps);
      return [
        {
          type: 'MilestoneApproved',
          data: {
            ...ref(state, milestone),
            trainerId: state.trainerId,
            amount: usd(milestone.amountCents),
            fee: usd(feeCents),
            net: usd(netCents),
            feeBps: command.data.feeBps,
            chargeId: milestone.chargeId,
          },
        },
      ];
    }
    case 'RecordPayoutCompleted': {
      requireService(actor);
      // The transfer reported again (saga retry, webhook): already recorded, nothing new.
      if (milestoneOf(state, command.data.milestoneId).transferIds.includes(command.data.transferId)) return [];
      const milestone = milestoneIn(state, command.data.milestoneId, 'approved', 'record payout of');
      const { transferId, destinationAccountId, amountCents } = command.data;
      if (amountCents !== milestone.netCents) {
        throw conflict('amount_mismatch', `transferred ${amountCents} cents, the trainer is owed ${String(milestone.netCents)}`);
      }
      return [
        {
          type: 'MilestonePayoutCompleted',
          data: { ...ref(state, milestone), trainerId: state.trainerId, amount: usd(amountCents), transferId, destinationAccountId },
        },
      ];
    }
    case 'RecordPayoutFailed': {
      requireService(actor);
      const milestone = milestoneIn(state, command.data.milestoneId, 'approved', 'record failed payout of');
      const { reason, retryable } = command.data;
      return [
        {
          type: 'MilestonePayoutFailed',
          data: { ...ref(state, milestone), trainerId: state.trainerId, reason, retryable, attempt: milestone.payoutAttempts + 1 },
        },
      ];
    }
    case 'Dispute': {
      requireParty(state, actor);
      const milestone = milestoneIn(state, command.data.milestoneId, ['funded', 'pending_approval'], 'dispute');
      const previousStatus = milestone.status as 'funded' | 'pending_approval';
      return [
        {
          type: 'MilestoneDisputed',
          data: { ...ref(state, milestone), disputedBy: actor.role, reason: command.data.reason, previousStatus, chargeback: null },
        },
      ];
    }
    case 'ResolveDispute': {
      requireSupport(actor);
      const milestone = milestoneIn(state, command.data.milestoneId, 'disputed', 'resolve the dispute on');
      if (hasOpenChargeback(milestone)) {
        throw conflict('chargeback_open', `milestone ${milestone.milestoneId} has an open chargeback: the bank decides it, not support; resolve after it closes`);
      }
      if (milestone.refundPendingCents > 0) {
        throw conflict('dispute_resolved', `the dispute on milestone ${milestone.milestoneId} is already resolved; its refund is pending`);
      }
      assert(milestone.chargeId !== null, `disputed milestone ${milestone.milestoneId} was funded`);
      // What the milestone still holds: less than its amount after a partial chargeback was lost.
      const escrowCents = milestone.escrowCents;
      const trainerCents = releasedCents(command.data.resolution, command.data.trainerAmountCents, escrowCents);
      const { feeCents, netCents } = Money.feeOf(trainerCents, command.data.feeBps);
      const refundCents = escrowCents - trainerCents;
      assert(trainerCents + refundCents === escrowCents, 'a resolution splits the escrow exactly');
      return [
        {
          type: 'MilestoneDisputeResolved',
          data: {
            ...ref(state, milestone),
            resolution: command.data.resolution,
            trainerId: state.trainerId,
            trainerAmount: usd(trainerCents),
            refundAmount: usd(refundCents),
            fee: usd(feeCents),
            net: usd(netCents),
            feeBps: command.data.feeBps,
            chargeId: milestone.chargeId,
            note: command.data.note,
          },
        },
      ];
    }
    case 'RecordRefunded': {
      requireService(actor);
      const milestone = milestoneOf(state, command.data.milestoneId);
      const { amountCents, refundId } = command.data;
      if (milestone.refundIds.includes(refundId)) return [];
      if (amountCents <= 0 || amountCents > milestone.refundPendingCents) {
        throw conflict('refund_mismatch', `refunded ${amountCents} cents, ${milestone.refundPendingCents} are due back to the employer`);
      }
      assert(milestone.chargeId !== null, `refunded milestone ${milestone.milestoneId} was funded`);
      return [{ type: 'MilestoneRefunded', data: { ...ref(state, milestone), amount: usd(amountCents), refundId, chargeId: milestone.chargeId } }];
    }
    case 'RecordExternalRefund':
      return decideExternalRefund(command, state);
    case 'Cancel': {
      requireEmployer(state, actor);
      const milestone = milestoneIn(state, command.data.milestoneId, 'pending', 'cancel');
      return [{ type: 'MilestoneCancelled', data: { ...ref(state, milestone), reason: command.data.reason } }];
    }
    case 'Archive': {
      requireEmployer(state, actor);
      requireActive(state);
      const blocking = Object.values(state.milestones).find((m) => unresolvedStatuses.includes(m.status));
      if (blocking) {
        throw conflict(
          'milestone_unresolved',
          `cannot archive: milestone ${blocking.milestoneId} is ${blocking.status}; it must be paid, refunded or cancelled first`,
        );
      }
      const chargedBack = Object.values(state.milestones).find(hasOpenChargeback);
      if (chargedBack) {
        throw conflict('chargeback_open', `cannot archive: milestone ${chargedBack.milestoneId} has an open chargeback`);
      }
      const refunding = Object.values(state.milestones).find((m) => m.refundPendingCents > 0);
      if (refunding) {
        throw conflict('refund_pending', `cannot archive: milestone ${refunding.milestoneId} still has a refund pending`);
      }
      return [{ type: 'ContractArchived', data: { contractId: state.contractId } }];
    }
    default:
      return assertNever(command, 'contract command');
  }
}

function hire(command: HireTrainer, state: ContractState): ContractEvent[] {
  if (command.actor.role !== 'employer') throw forbidden('not_employer', 'only an employer can hire a trainer');
  if (state.status !== 'none') throw conflict('contract_exists', `contract ${command.data.contractId} already exists`);
  const { contractId, milestoneId, trainerId, projectName, firstMilestone } = command.data;
  return [
    { type: 'ContractCreated', data: { contractId, employerId: command.actor.id, trainerId, projectName } },
    { type: 'MilestoneCreated', data: { contractId, milestoneId, ...firstMilestone } },
  ];
}

function requireActive(state: ContractOpen): void {
  if (state.status !== 'active') throw conflict('contract_archived', `contract ${state.contractId} is ${state.status}`);
}

function requireEmployer(state: ContractOpen, actor: Actor): void {
  if (actor.role !== 'employer' || actor.id !== state.employerId) {
    throw forbidden('not_contract_employer', `only the contract's employer can do this`);
  }
}

function requireTrainer(state: ContractOpen, actor: Actor): void {
  if (actor.role !== 'trainer' || actor.id !== state.trainerId) {
    throw forbidden('not_contract_trainer', `only the contract's trainer can do this`);
  }
}

function requireParty(state: ContractOpen, actor: Actor): void {
  const isEmployer = actor.role === 'employer' && actor.id === state.employerId;
  const isTrainer = actor.role === 'trainer' && actor.id === state.trainerId;
  if (!isEmployer && !isTrainer) throw forbidden('not_contract_party', `only the contract's employer or trainer can do this`);
}

/** Cents released to the trainer by a resolution; a split must leave something to each side. */
function releasedCents(resolution: 'release' | 'refund' | 'split', trainerAmountCents: number | null, escrowCents: number): number {
  if (resolution === 'release') return escrowCents;
  if (resolution === 'refund') return 0;
  if (trainerAmountCents === null || !Number.isSafeInteger(trainerAmountCents) || trainerAmountCents <= 0 || trainerAmountCents >= escrowCents) {
    throw unprocessable(
      'invalid_split',
      `trainerAmount must be more than 0.00 and less than the escrowed ${Money.format(escrowCents)} for a split`,
    );
  }
  return trainerAmountCents;
}

function requireSupport(actor: Actor): void {
  if (actor.role !== 'support') throw forbidden('not_support', 'only support can resolve a dispute');
}

