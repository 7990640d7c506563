import { assert } from '../shared/assert';
import { conflict, notFound, unprocessable } from '../shared/errors';
import { usd } from '../shared/money';
import type { RecordChargebackClosed, RecordChargebackOpened } from './commands';
import type { ChargebackLoss, ChargebackStatusAtOpening, ContractEvent, DisputedFromStatus } from './events';
import { milestoneOf, ref, requireService } from './guards';
import { afterChargebackClosed } from './evolve-chargebacks';
import type { ChargebackState, ContractOpen, MilestoneState, MilestoneStatus } from './state';

/** Money still on the platform: the chargeback disputes the milestone and blocks its payout. */
const disputableStatuses: readonly DisputedFromStatus[] = ['funded', 'pending_approval', 'approved'];
/** Money already gone (paid, refunded) or held by support (disputed): the chargeback is only recorded. */
const recordOnlyStatuses: readonly ChargebackStatusAtOpening[] = ['paid', 'disputed', 'refunded'];

export function decideChargebackOpened(command: RecordChargebackOpened, state: ContractOpen): ContractEvent[] {
  requireService(command.actor);
  const { milestoneId, disputeId, chargeId, amountCents, reason } = command.data;
  const milestone = milestoneOf(state, milestoneId);
  if (milestone.chargebacks[disputeId] !== undefined) return [];
  const { status } = milestone;
  if (!isOneOf(status, disputableStatuses) && !isOneOf(status, recordOnlyStatuses)) {
    const allowed = [...disputableStatuses, ...recordOnlyStatuses].join(', ');
    throw conflict('illegal_transition', `cannot record a chargeback on milestone ${milestoneId}: its status is ${status} (allowed from ${allowed})`);
  }
  if (chargeId !== milestone.chargeId) {
    throw conflict('charge_mismatch', `chargeback ${disputeId} is on charge ${chargeId}; milestone ${milestoneId} was funded by ${String(milestone.chargeId)}`);
  }
  if (!Number.isSafeInteger(amountCents) || amountCents <= 0 || amountCents > milestone.amountCents) {
    throw unprocessable('invalid_chargeback_amount', `chargeback of ${amountCents} cents on a milestone of ${milestone.amountCents}`);
  }
  const amount = usd(amountCents);
  if (isOneOf(status, disputableStatuses)) {
    const chargeback = { disputeId, chargeId, amount };
    return [
      {
        type: 'MilestoneDisputed',
        data: { ...ref(state, milestone), disputedBy: 'service', reason: `chargeback: ${reason}`, previousStatus: status, chargeback },
      },
    ];
  }
  assert(isOneOf(status, recordOnlyStatuses), `status ${status} records a chargeback`);
  return [
    { type: 'MilestoneChargebackOpened', data: { ...ref(state, milestone), disputeId, chargeId, amount, reason, statusAtOpening: status } },
  ];
}

export function decideChargebackClosed(command: RecordChargebackClosed, state: ContractOpen): ContractEvent[] {
  requireService(command.actor);
  const { milestoneId, disputeId, outcome } = command.data;
  const milestone = milestoneOf(state, milestoneId);
  const chargeback = milestone.chargebacks[disputeId];
  if (chargeback === undefined) throw notFound('chargeback_not_found', `no chargeback ${disputeId} on milestone ${milestoneId}`);
  if (chargeback.outcome === outcome) return [];
  if (chargeback.outcome !== null) {
    throw conflict('chargeback_closed', `chargeback ${disputeId} was closed as ${chargeback.outcome}, not ${outcome}`);
  }
  const loss = outcome === 'lost' ? lossOf(state, milestone, chargeback) : null;
  const statusAfter = afterChargebackClosed(milestone, { disputeId, outcome, loss }).status ?? milestone.status;
  const { chargeId, amountCents } = chargeback;
  return [
    {
      type: 'MilestoneChargebackClosed',
      data: { ...ref(state, milestone), disputeId, chargeId, outcome, amount: usd(amountCents), loss, statusAfter },
    },
  ];
}

/**
 * Where a lost chargeback's money comes from. When it disputes the milestone, the escrow pays:
 * an approved milestone's release (trainer's net and the fee) is taken back into escrow first,
 * since the trainer was not paid. When the money had already left (paid, refunded) or support
 * holds the dispute, the platform bears the loss. Anything beyond what escrow holds (a refund
 * already sent back) is the platform's too, so fromEscrow + platformLoss = amount, exactly.
 */
function lossOf(state: ContractOpen, milestone: MilestoneState, chargeback: ChargebackState): ChargebackLoss {
  const disputesIt = milestone.status === 'disputed' && milestone.dispute?.chargebackDisputeId === chargeback.disputeId;
  if (!disputesIt) return { fromEscrow: usd(0), platformLoss: usd(chargeback.amountCents), reversedRelease: null };
  const wasApproved = milestone.dispute?.previousStatus === 'approved';
  let reversedRelease: ChargebackLoss['reversedRelease'] = null;
  if (wasApproved) {
    assert(milestone.feeCents !== null && milestone.netCents !== null, `approved milestone ${milestone.milestoneId} has a fee and a net`);
    reversedRelease = { trainerId: state.trainerId, fee: usd(milestone.feeCents), net: usd(milestone.netCents) };
  }
  const reversedCents = reversedRelease ? reversedRelease.fee.amountCents + reversedRelease.net.amountCents : 0;
  const fromEscrowCents = Math.min(chargeback.amountCents, milestone.escrowCents + reversedCents);
  const platformLossCents = chargeback.amountCents - fromEscrowCents;
  assert(fromEscrowCents + platformLossCents === chargeback.amountCents, 'a lost chargeback is paid exactly once');
  return { fromEscrow: usd(fromEscrowCents), platformLoss: usd(platformLossCents), reversedRelease };
}

function isOneOf<T extends MilestoneStatus>(status: MilestoneStatus, allowed: readonly T[]): status is T {
  return (allowed as readonly MilestoneStatus[]).includes(status);
}
