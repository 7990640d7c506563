import { invalidRequest, noSuchParam } from '../errors';
import type { Params } from '../form';
import { newId, newSecret } from '../ids';
import { fieldEquals, listPage } from '../list';
import { buildPaymentIntent, type PaymentIntentObject } from '../objects/payment-intent';
import type { PaymentMethodObject } from '../objects/payment-method';
import { confirmPaymentIntent } from '../payment-flow';
import { ok, pathParam, type Route, type RouteContext } from '../router';
import { searchResult } from '../search';
import { mustGet, type StripeState } from '../state';
import { automaticPaymentMethods } from './setup-intents';
import { cloneTestToken } from './payment-methods';

function resolvePaymentMethod(state: StripeState, id: string, customer: string | null): PaymentMethodObject {
  const stored = state.paymentMethods.get(id);
  if (stored === undefined) {
    const clone = cloneTestToken(state, id, null);
    if (clone === null) throw noSuchParam('PaymentMethod', id, 'payment_method');
    return clone;
  }
  if (customer !== null && stored.customer !== customer) {
    throw invalidRequest(`The provided PaymentMethod ${id} does not belong to the Customer ${customer}. Please attach it to this Customer first.`, 'payment_method');
  }
  if (customer === null && stored.customer !== null) {
    throw invalidRequest(`The provided PaymentMethod ${id} is attached to a Customer; pass that customer with this request.`, 'payment_method');
  }
  return stored;
}

function createIntent({ state, params }: RouteContext): PaymentIntentObject {
  const amount = params.int('amount');
  const currency = params.string('currency').toLowerCase();
  const customer = params.optString('customer');
  if (customer !== null && !state.customers.has(customer)) throw noSuchParam('customer', customer, 'customer');
  const paymentMethodId = params.optString('payment_method');
  const paymentMethod = paymentMethodId === null ? null : resolvePaymentMethod(state, paymentMethodId, customer);
  const types = params.stringArray('allowed_payment_method_types');
  const id = newId('pi');
  return buildPaymentIntent({ id, created: state.nowSeconds(), clientSecret: newSecret(id), amount, currency,
    customer, paymentMethod: paymentMethod?.id ?? null,
    paymentMethodTypes: types.length > 0 ? types : [paymentMethod?.type ?? 'card'],
    description: params.optString('description'), transferGroup: params.optString('transfer_group'),
    metadata: params.metadata(), setupFutureUsage: params.optString('setup_future_usage'),
    automaticPaymentMethods: automaticPaymentMethods(params) });
}

function assertConfirmable(intent: PaymentIntentObject): void {
  if (intent.status !== 'requires_payment_method' && intent.status !== 'requires_confirmation') {
    throw invalidRequest(`This PaymentIntent's status is ${intent.status}, so it cannot be confirmed.`, undefined,
      'payment_intent_unexpected_state');
  }
}

function applyNewPaymentMethod(state: StripeState, intent: PaymentIntentObject, params: Params): void {
  const id = params.optString('payment_method');
  if (id === null) return;
  intent.payment_method = resolvePaymentMethod(state, id, intent.customer).id;
}

export const paymentIntentRoutes: Route[] = [
  {
    route: 'POST /v1/payment_intents',
    handle(context) {
      const intent = createIntent(context);
      context.state.paymentIntents.set(intent.id, intent);
      context.state.emit('payment_intent.created', intent);
      if (!context.params.bool('confirm')) return ok(intent);
      return confirmPaymentIntent(context.state, context.settings, intent);
    },
  },
  {
    route: 'GET /v1/payment_intents/search',
    handle: ({ state, params }) => ok(searchResult(state.paymentIntents.values(), params, '/v1/payment_intents/search')),
  },
  {
    route: 'GET /v1/payment_intents',
    handle: ({ state, params }) =>
      ok(listPage(state.paymentIntents.values(), params, '/v1/payment_intents', fieldEquals(params, 'customer'))),
  },
  {
    route: 'GET /v1/payment_intents/:id',
    handle: (context) => ok(mustGet(context.state.paymentIntents, pathParam(context), 'payment_intent')),
  },
  {
    route: 'POST /v1/payment_intents/:id/confirm',
    handle(context) {
      const intent = mustGet(context.state.paymentIntents, pathParam(context), 'payment_intent');
      assertConfirmable(intent);
      applyNewPaymentMethod(context.state, intent, context.params);
      return confirmPaymentIntent(context.state, context.settings, intent);
    },
  },
  {
    route: 'POST /v1/payment_intents/:id/cancel',
    handle(context) {
      const { state, params } = context;
      const intent = mustGet(state.paymentIntents, pathParam(context), 'payment_intent');
      if (intent.status === 'succeeded' || intent.status === 'processing' || intent.status === 'canceled') {
        throw invalidRequest(`You cannot cancel this PaymentIntent because it has a status of ${intent.status}.`,
          undefined, 'payment_intent_unexpected_state');
      }
      intent.status = 'canceled';
      intent['canceled_at'] = state.nowSeconds();
      intent['cancellation_reason'] = params.optString('cancellation_reason');
      intent.next_action = null;
      state.emit('payment_intent.canceled', intent);
      return ok(intent);
    },
  },
];
