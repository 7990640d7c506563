import { invalidRequest, noSuchParam, notFound } from '../errors';
import type { FormObject } from '../form';
import { newId } from '../ids';
import { buildSubscription, cancelSubscription } from '../objects/subscription';
import { ok, pathParam, type Route } from '../router';
import { mustGet } from '../state';

/**
 * POST /v1/subscriptions as Stripe answers it for a card on file: one item, charged at once.
 * A card that declines leaves the subscription `incomplete` (Stripe's default
 * `payment_behavior: allow_incomplete`); `error_if_incomplete` refuses it with the card error.
 */
export const subscriptionRoutes: Route[] = [
  {
    route: 'POST /v1/subscriptions',
    handle({ state, params }) {
      const customerId = params.string('customer');
      const customer = state.customers.get(customerId);
      if (customer === undefined) throw noSuchParam('customer', customerId, 'customer');
      const items = params.raw['items'];
      const first = Array.isArray(items) ? (items[0] as FormObject | undefined) : undefined;
      if (first === undefined || typeof first !== 'object' || Array.isArray(first)) throw invalidRequest('Missing required param: items.', 'items', 'parameter_missing');
      if (Array.isArray(items) && items.length > 1) throw invalidRequest('This test server bills subscriptions of one item.', 'items');
      const priceId = typeof first['price'] === 'string' ? first['price'] : null;
      if (priceId === null) throw invalidRequest('Missing required param: items[0][price].', 'items[0][price]', 'parameter_missing');
      const price = state.prices.get(priceId);
      if (price === undefined) throw noSuchParam('price', priceId, 'items[0][price]');
      const quantity = typeof first['quantity'] === 'string' ? Number(first['quantity']) : 1;
      const defaultPaymentMethod = params.optString('default_payment_method');
      const invoiceDefault = (customer['invoice_settings'] as { default_payment_method?: string | null } | undefined)?.default_payment_method ?? null;
      const billed = defaultPaymentMethod ?? invoiceDefault;
      if (billed === null) {
        throw invalidRequest('This customer has no attached payment source or default payment method. Please consider adding a default payment method.', undefined, 'resource_missing');
      }
      const paymentMethod = state.paymentMethods.get(billed);
      if (paymentMethod === undefined || paymentMethod['customer'] !== customerId) {
        throw invalidRequest(`The customer does not have a payment method with the ID ${billed}. The payment method must be attached to the customer.`,
          'default_payment_method', 'resource_missing');
      }
      const behaviour = state.paymentMethodTraits.get(billed)?.behaviour;
      const declines = behaviour?.type === 'card' && behaviour.outcome.kind !== 'succeed';
      if (declines && params.optString('payment_behavior') === 'error_if_incomplete') {
        throw invalidRequest('Your card was declined.', undefined, 'card_declined');
      }
      const created = state.nowSeconds();
      const id = newId('sub');
      const subscription = buildSubscription({ id, itemId: newId('si'), created, customer: customerId, price, quantity,
        defaultPaymentMethod, status: declines ? 'incomplete' : 'active', latestInvoice: newId('in'), metadata: params.metadata() });
      state.subscriptions.set(id, subscription);
      state.emit('customer.subscription.created', subscription);
      return ok(subscription);
    },
  },
  {
    route: 'GET /v1/subscriptions/:id',
    handle: (context) => ok(mustGet(context.state.subscriptions, pathParam(context), 'subscription')),
  },
  {
    /**
     * Cancels at once, as Stripe does by default, and tells the endpoint (customer.subscription.deleted).
     * Stripe answers a cancel of a canceled subscription as if it did not exist, while GET still serves it.
     */
    route: 'DELETE /v1/subscriptions/:id',
    handle(context) {
      const { state } = context;
      const id = pathParam(context);
      const subscription = mustGet(state.subscriptions, id, 'subscription');
      if (subscription.status === 'canceled') throw notFound('subscription', id);
      cancelSubscription(subscription, state.nowSeconds());
      state.emit('customer.subscription.deleted', subscription);
      return ok(subscription);
    },
  },
];
