import type { SqlExecutor } from '@escrow/sql';
import type { RefundOutcome, RefundRequest } from '../payment-gateway';
import { stripeLikeId } from './ids';
import type { Applied } from './idempotency';
import { remainingOnCharge } from './money';

/**
 * Returns escrowed money to the employer through the charge that brought it in. Only what is
 * still on the charge can go back: money already transferred to a trainer has left the platform.
 * A refused refund moved nothing, so, like a refused transfer, it is not kept under the key.
 */
export async function applyRefund(tx: SqlExecutor, request: RefundRequest): Promise<Applied<RefundOutcome>> {
  const remaining = await remainingOnCharge(tx, request.chargeId);
  if (remaining === null) return refused(`No such charge: '${request.chargeId}'`);
  const { rows } = await tx.query('select 1 from simgw_payment_intents where charge_id = $1 and payment_intent_id = $2', [
    request.chargeId,
    request.paymentIntentId,
  ]);
  if (rows.length === 0) return refused(`No such payment_intent: '${request.paymentIntentId}' for charge '${request.chargeId}'`);
  if (request.amountCents > remaining) {
    return refused(
      `Refund of ${request.amountCents} cents exceeds the ${remaining} cents left on charge '${request.chargeId}' ` +
        '(not yet refunded or transferred)',
    );
  }
  const refundId = stripeLikeId('re');
  await tx.query(
    `insert into simgw_refunds (refund_id, amount_cents, currency, charge_id, metadata)
     values ($1, $2, $3, $4, $5::jsonb)`,
    [refundId, request.amountCents, request.currency, request.chargeId, JSON.stringify(request.metadata)],
  );
  return { outcome: { status: 'succeeded', refundId }, keep: true };
}

function refused(reason: string): Applied<RefundOutcome> {
  return { outcome: { status: 'failed', reason }, keep: false };
}
