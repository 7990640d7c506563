import { invalidRequest, noSuchParam } from '../errors';
import { newId } from '../ids';
import { buildDispute } from '../objects/dispute';
import { ok, pathParam, type Route } from '../router';
import { mustGet, type StripeState } from '../state';

const evidenceWindowSeconds = 7 * 24 * 60 * 60;

/** A cardholder's chargeback arriving (Stripe opens it on its own). */
export function createDispute(state: StripeState, chargeId: string, amount: number | null): string {
  const charge = state.charges.get(chargeId);
  if (charge === undefined) throw noSuchParam('charge', chargeId, 'charge');
  if (charge.status !== 'succeeded') throw invalidRequest(`Charge ${chargeId} did not succeed; it cannot be disputed.`);
  const disputed = amount ?? charge.amount - charge.amount_refunded;
  if (disputed < 1 || disputed > charge.amount) throw invalidRequest(`Dispute amount ${disputed} is out of range.`, 'amount');
  const details = charge['payment_method_details'];
  const card = typeof details === 'object' && details !== null && !Array.isArray(details) ? details['card'] : null;
  const brand = typeof card === 'object' && card !== null && !Array.isArray(card) ? String(card['brand']) : 'visa';
  const created = state.nowSeconds();
  const dispute = buildDispute({ id: newId('du'), created, amount: disputed, currency: charge.currency,
    charge: chargeId, paymentIntent: charge.payment_intent, brand, evidenceDueBy: created + evidenceWindowSeconds });
  state.disputes.set(dispute.id, dispute);
  charge.disputed = true;
  state.emit('charge.dispute.created', dispute);
  return dispute.id;
}

export function closeDispute(state: StripeState, disputeId: string, status: 'won' | 'lost'): void {
  const dispute = state.disputes.get(disputeId);
  if (dispute === undefined) throw noSuchParam('dispute', disputeId, 'dispute');
  if (dispute.status === 'won' || dispute.status === 'lost') throw invalidRequest(`Dispute ${disputeId} is already closed.`);
  const previous = { status: dispute.status };
  dispute.status = status;
  state.emit('charge.dispute.closed', dispute, previous);
}

export const disputeRoutes: Route[] = [
  {
    route: 'GET /v1/disputes/:id',
    handle: (context) => ok(mustGet(context.state.disputes, pathParam(context), 'dispute')),
  },
];
