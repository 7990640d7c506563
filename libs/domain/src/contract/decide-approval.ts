import { assert } from '../shared/assert';
import { conflict } from '../shared/errors';
import { Money, usd } from '../shared/money';
import type { Approve, RecordPayoutCompleted, RecordPayoutFailed, RequestApproval } from './commands';
import type { ContractEvent } from './events';
import { milestoneIn, milestoneOf, ref, requireEmployer, requireService, requireTrainer } from './guards';
import type { ContractOpen } from './state';

/** The happy path after funding: the trainer delivers, the employer approves, the saga pays out. */

export function decideRequestApproval(command: RequestApproval, state: ContractOpen): ContractEvent[] {
  requireTrainer(state, command.actor);
  const milestone = milestoneIn(state, command.data.milestoneId, 'funded', 'request approval of');
  return [
    {
      type: 'MilestoneApprovalRequested',
      data: { ...ref(state, milestone), trainerId: state.trainerId, note: command.data.note },
    },
  ];
}

/** Approval fixes the fee and the trainer's net now, so the payout cannot be recomputed differently later. */
export function decideApprove(command: Approve, state: ContractOpen): ContractEvent[] {
  requireEmployer(state, command.actor);
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

export function decidePayoutCompleted(command: RecordPayoutCompleted, state: ContractOpen): ContractEvent[] {
  requireService(command.actor);
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

/** A failed payout leaves the milestone approved; the attempt count lets the saga bound its retries. */
export function decidePayoutFailed(command: RecordPayoutFailed, state: ContractOpen): ContractEvent[] {
  requireService(command.actor);
  const milestone = milestoneIn(state, command.data.milestoneId, 'approved', 'record failed payout of');
  const { reason, retryable } = command.data;
  return [
    {
      type: 'MilestonePayoutFailed',
      data: { ...ref(state, milestone), trainerId: state.trainerId, reason, retryable, attempt: milestone.payoutAttempts + 1 },
    },
  ];
}
