import { invalidRequest, noSuchParam, notFound } from '../errors';
import { newFingerprint, newId } from '../ids';
import { buildPaymentMethod, type PaymentMethodObject } from '../objects/payment-method';
import { ok, pathParam, type Route } from '../router';
import type { StripeState } from '../state';
import { testToken } from '../test-tokens';

/** A fresh stored clone of a test token (Stripe mints a new pm_ each time a token is used). */
export function cloneTestToken(state: StripeState, token: string, customer: string | null): PaymentMethodObject | null {
  const behaviour = testToken(token);
  if (behaviour === undefined) return null;
  const id = newId('pm');
  const fingerprint = newFingerprint();
  const paymentMethod = buildPaymentMethod({ id, created: state.nowSeconds(), customer, behaviour, fingerprint });
  state.paymentMethods.set(id, paymentMethod);
  state.paymentMethodTraits.set(id, { behaviour, fingerprint });
  return paymentMethod;
}

export function attach(state: StripeState, id: string, customerId: string): PaymentMethodObject {
  if (!state.customers.has(customerId)) throw noSuchParam('customer', customerId, 'customer');
  const clone = cloneTestToken(state, id, customerId);
  if (clone !== null) {
    state.emit('payment_method.attached', clone);
    return clone;
  }
  const paymentMethod = state.paymentMethods.get(id);
  if (paymentMethod === undefined) throw noSuchParam('PaymentMethod', id, 'payment_method');
  if (paymentMethod.customer === customerId) return paymentMethod;
  if (paymentMethod.customer !== null) {
    throw invalidRequest('The payment method you provided has already been attached to a customer.', 'payment_method');
  }
  paymentMethod.customer = customerId;
  state.emit('payment_method.attached', paymentMethod);
  return paymentMethod;
}

export const paymentMethodRoutes: Route[] = [
  {
    route: 'GET /v1/payment_methods/:id',
    handle(context) {
      const id = pathParam(context);
      const found = context.state.paymentMethods.get(id) ?? cloneTestToken(context.state, id, null);
      if (found === null) throw notFound('PaymentMethod', id);
      return ok(found);
    },
  },
  {
    route: 'POST /v1/payment_methods/:id/attach',
    handle: (context) => ok(attach(context.state, pathParam(context), context.params.string('customer'))),
  },
];
