import { invalidRequest, noSuchParam } from '../errors';
import { newId } from '../ids';
import { fieldEquals, listPage } from '../list';
import { dollars } from '../money';
import type { ChargeObject } from '../objects/charge';
import { buildRefund, type RefundObject } from '../objects/refund';
import { ok, pathParam, type Route, type RouteContext } from '../router';
import { mustGet, type StripeState } from '../state';

function chargeToRefund(state: StripeState, chargeId: string | null, intentId: string | null): ChargeObject {
  if (chargeId === null && intentId === null) {
    throw invalidRequest('One of the following params should be provided for this request: payment_intent or charge.');
  }
  if (chargeId === null) {
    const intent = state.paymentIntents.get(intentId ?? '');
    if (intent === undefined) throw noSuchParam('payment_intent', intentId ?? '', 'payment_intent');
    if (intent.status !== 'succeeded' || intent.latest_charge === null) {
      throw invalidRequest(`This PaymentIntent (${intent.id}) does not have a successful charge to refund.`, 'payment_intent');
    }
    chargeId = intent.latest_charge;
  }
  const charge = state.charges.get(chargeId);
  if (charge === undefined) throw noSuchParam('charge', chargeId, 'charge');
  if (charge.status !== 'succeeded') throw invalidRequest(`Charge ${charge.id} has not succeeded; there is nothing to refund.`, 'charge');
  return charge;
}

/** Stripe refuses to refund a charge while it is disputed or after the dispute was lost. */
function checkNotDisputed(state: StripeState, charge: ChargeObject): void {
  for (const dispute of state.disputes.values()) {
    if (dispute.charge === charge.id && dispute.status !== 'won') {
      throw invalidRequest(`Charge ${charge.id} has been charged back; cannot issue a refund.`, undefined, 'charge_disputed');
    }
  }
}

function createRefund({ state, params }: RouteContext): RefundObject {
  const charge = chargeToRefund(state, params.optString('charge'), params.optString('payment_intent'));
  checkNotDisputed(state, charge);
  const unrefunded = charge.amount - charge.amount_refunded;
  if (unrefunded === 0) throw invalidRequest(`Charge ${charge.id} has already been refunded.`, undefined, 'charge_already_refunded');
  const amount = params.optInt('amount') ?? unrefunded;
  if (amount > unrefunded) {
    throw invalidRequest(`Refund amount (${dollars(amount)}) is greater than unrefunded amount on charge (${dollars(unrefunded)})`, 'amount');
  }
  const paymentMethodDetails = charge['payment_method_details'];
  const paymentMethodType = typeof paymentMethodDetails === 'object' && paymentMethodDetails !== null
    && !Array.isArray(paymentMethodDetails) ? String(paymentMethodDetails['type']) : 'card';
  const refund = buildRefund({ id: newId('re'), created: state.nowSeconds(), amount, currency: charge.currency,
    charge: charge.id, paymentIntent: charge.payment_intent, paymentMethodType,
    customer: typeof charge['customer'] === 'string' ? charge['customer'] : null,
    paymentMethod: typeof charge['payment_method'] === 'string' ? charge['payment_method'] : null,
    balanceTransaction: newId('txn'), reason: params.optString('reason'), metadata: params.metadata() });
  state.refunds.set(refund.id, refund);
  const previous = { amount_refunded: charge.amount_refunded, refunded: charge.refunded };
  charge.amount_refunded += amount;
  charge.refunded = charge.amount_refunded === charge.amount;
  charge.refunds.data.unshift(refund);
  state.emit('charge.refunded', charge, previous);
  state.emit('refund.created', refund);
  return refund;
}

export const refundRoutes: Route[] = [
  { route: 'POST /v1/refunds', handle: (context) => ok(createRefund(context)) },
  {
    route: 'GET /v1/refunds',
    handle: ({ state, params }) => ok(listPage(state.refunds.values(), params, '/v1/refunds',
      fieldEquals(params, 'charge', 'payment_intent'))),
  },
  {
    route: 'GET /v1/refunds/:id',
    handle: (context) => ok(mustGet(context.state.refunds, pathParam(context), 'refund')),
  },
];
