import { assert } from '../shared/assert';
import { conflict, unprocessable } from '../shared/errors';
import { Money, usd } from '../shared/money';
import type { RecordExternalRefund, RecordRefunded } from './commands';
import type { ContractEvent } from './events';
import { milestoneOf, ref, requireService, requireSupport } from './guards';
import type { ContractOpen } from './state';

/**
 * The saga's refund of what a resolution sent back to the employer. A refund may come in parts
 * and be reported twice (saga retry, webhook): a known refund id is nothing new.
 */
export function decideRefunded(command: RecordRefunded, state: ContractOpen): ContractEvent[] {
  requireService(command.actor);
  const milestone = milestoneOf(state, command.data.milestoneId);
  const { amountCents, refundId } = command.data;
  if (milestone.refundIds.includes(refundId)) return [];
  if (amountCents <= 0 || amountCents > milestone.refundPendingCents) {
    throw conflict('refund_mismatch', `refunded ${amountCents} cents, ${milestone.refundPendingCents} are due back to the employer`);
  }
  assert(milestone.chargeId !== null, `refunded milestone ${milestone.milestoneId} was funded`);
  return [{ type: 'MilestoneRefunded', data: { ...ref(state, milestone), amount: usd(amountCents), refundId, chargeId: milestone.chargeId } }];
}

/** The request field support names the refund by: every refusal below is about it. */
export const externalRefundField = 'externalRefund.refundId';

/**
 * A refund made at the provider outside the ledger settles what a resolution owes the employer
 * only if it is that money: a refund the provider has, of this milestone's funding charge,
 * succeeded, for exactly the amount still due back. It is then recorded as the refund event the
 * saga would have appended, with the provider's refund id, so the ledger, the invoices and the
 * milestone's status follow. The same refund recorded again is nothing new.
 */
export function decideExternalRefund(command: RecordExternalRefund, state: ContractOpen): ContractEvent[] {
  requireSupport(command.actor, 'record a refund made outside the ledger');
  const { milestoneId, refundId, atProvider } = command.data;
  const milestone = milestoneOf(state, milestoneId);
  if (milestone.refundIds.includes(refundId)) return [];
  if (milestone.refundPendingCents === 0) {
    throw conflict('no_refund_pending', `milestone ${milestoneId} has no refund pending (its status is ${milestone.status})`);
  }
  assert(milestone.chargeId !== null, `milestone ${milestoneId} with a refund pending was funded`);
  if (atProvider === null) {
    throw unprocessable('external_refund_not_found', `${externalRefundField}: the payment provider has no refund ${refundId}`);
  }
  const ofFundingCharge = atProvider.chargeId === milestone.chargeId
    || (atProvider.paymentIntentId !== null && atProvider.paymentIntentId === milestone.fundedPaymentIntentId);
  if (!ofFundingCharge) {
    throw unprocessable(
      'external_refund_other_charge',
      `${externalRefundField}: refund ${refundId} is of charge ${atProvider.chargeId}, not of milestone ${milestoneId}'s funding charge ${milestone.chargeId}`,
    );
  }
  if (atProvider.status !== 'succeeded') {
    throw unprocessable('external_refund_not_succeeded', `${externalRefundField}: refund ${refundId} is ${atProvider.status} at the payment provider, not succeeded`);
  }
  if (atProvider.amountCents !== milestone.refundPendingCents) {
    throw unprocessable(
      'external_refund_amount_mismatch',
      `${externalRefundField}: refund ${refundId} returned ${Money.format(atProvider.amountCents)}; the resolution refunds ${Money.format(milestone.refundPendingCents)}`,
    );
  }
  return [
    {
      type: 'MilestoneRefunded',
      data: { ...ref(state, milestone), amount: usd(atProvider.amountCents), refundId, chargeId: milestone.chargeId },
    },
  ];
}
