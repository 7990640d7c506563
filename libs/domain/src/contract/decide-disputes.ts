import { assert } from '../shared/assert';
import { conflict, invalid, unprocessable } from '../shared/errors';
import { Money, usd } from '../shared/money';
import type { Dispute, ResolveDispute } from './commands';
import type { ContractEvent } from './events';
import { milestoneIn, ref, requireParty, requireSupport } from './guards';
import { hasOpenChargeback, type ContractOpen } from './state';

/** A party's dispute freezes the escrow; support's resolution splits it between trainer and employer. */

export function decideDispute(command: Dispute, state: ContractOpen): ContractEvent[] {
  requireParty(state, command.actor);
  const milestone = milestoneIn(state, command.data.milestoneId, ['funded', 'pending_approval'], 'dispute');
  const previousStatus = milestone.status as 'funded' | 'pending_approval';
  return [
    {
      type: 'MilestoneDisputed',
      data: { ...ref(state, milestone), disputedBy: command.actor.role, reason: command.data.reason, previousStatus, chargeback: null },
    },
  ];
}

export function decideResolveDispute(command: ResolveDispute, state: ContractOpen): ContractEvent[] {
  requireSupport(command.actor, 'resolve a dispute');
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

/**
 * Only a split names the trainer's part: release and refund give the whole escrow to one side.
 * About the command alone, so `decide` checks it before the contract: a resolution naming a
 * part it cannot have is refused alike whether or not the contract or milestone exists.
 */
export function requireTrainerAmountOnlyForSplit(data: ResolveDispute['data']): void {
  if (data.resolution !== 'split' && data.trainerAmountCents !== null) {
    throw invalid('trainer_amount_without_split', 'trainerAmount: only a split takes a trainerAmount');
  }
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
