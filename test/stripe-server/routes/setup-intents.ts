import { invalidRequest, missingParam, noSuchParam, StripeApiError } from '../errors';
import type { Params } from '../form';
import { newId, newSecret } from '../ids';
import { buildSetupIntent, type SetupIntentObject } from '../objects/setup-intent';
import { ok, pathParam, type Route, type RouteContext } from '../router';
import { mustGet, type StripeState } from '../state';
import { testToken, type PaymentBehaviour } from '../test-tokens';
import type { JsonObject } from '../types';
import { attach, cloneTestToken } from './payment-methods';

/** `automatic_payment_methods` as the intent shows it, or null when not asked for. */
export function automaticPaymentMethods(params: Params): JsonObject | null {
  const asked = params.object('automatic_payment_methods');
  if (asked['enabled'] === undefined) return null;
  return { allow_redirects: typeof asked['allow_redirects'] === 'string' ? asked['allow_redirects'] : 'always',
    enabled: asked['enabled'] === 'true' };
}

/** The intent named in the path; a browser (publishable key) must also hold its client secret. */
function setupIntentOf(context: RouteContext): SetupIntentObject {
  const intent = mustGet(context.state.setupIntents, pathParam(context), 'setupintent');
  const { caller } = context;
  if (caller.kind === 'publishable') {
    if (caller.clientSecret === null) throw missingParam('client_secret');
    if (caller.clientSecret !== intent['client_secret']) {
      throw invalidRequest('The client_secret provided does not match the client_secret associated with the SetupIntent.', 'client_secret');
    }
  }
  return intent;
}

function behaviourOf(state: StripeState, paymentMethod: string): PaymentBehaviour {
  const behaviour = testToken(paymentMethod) ?? state.paymentMethodTraits.get(paymentMethod)?.behaviour;
  if (behaviour === undefined) throw noSuchParam('PaymentMethod', paymentMethod, 'payment_method');
  return behaviour;
}

/** A test token becomes a fresh payment method, attached to the intent's customer when it has one. */
function savedPaymentMethod(state: StripeState, paymentMethod: string, customer: string | null): string {
  if (customer !== null) return attach(state, paymentMethod, customer).id;
  return (cloneTestToken(state, paymentMethod, null) ?? mustGet(state.paymentMethods, paymentMethod, 'paymentmethod')).id;
}

/**
 * Card checks as Stripe runs them when saving a card: a card that declines is not saved (402, the
 * intent back to `requires_payment_method` with `last_setup_error`); one that needs 3-D Secure
 * waits in `requires_action`; any other is saved to the customer and the intent succeeds.
 */
function confirmSetupIntent(state: StripeState, intent: SetupIntentObject, paymentMethod: string): SetupIntentObject {
  const behaviour = behaviourOf(state, paymentMethod);
  if (behaviour.type === 'card' && behaviour.outcome.kind === 'decline') {
    const { code, declineCode, message } = behaviour.outcome;
    const error: JsonObject = { type: 'card_error', code, decline_code: declineCode, message,
      doc_url: `https://stripe.com/docs/error-codes/${code.replaceAll('_', '-')}` };
    intent.status = 'requires_payment_method';
    intent['last_setup_error'] = error;
    state.emit('setup_intent.setup_failed', intent);
    throw new StripeApiError(402, { ...error, setup_intent: structuredClone(intent) });
  }
  intent['payment_method'] = savedPaymentMethod(state, paymentMethod, intent.customer);
  intent['last_setup_error'] = null;
  if (behaviour.type === 'card' && behaviour.outcome.kind === 'authenticate') {
    intent.status = 'requires_action';
    intent['next_action'] = { type: 'use_stripe_sdk', use_stripe_sdk: {} };
    state.emit('setup_intent.requires_action', intent);
    return intent;
  }
  intent.status = 'succeeded';
  intent['next_action'] = null;
  state.emit('setup_intent.succeeded', intent);
  return intent;
}

export const setupIntentRoutes: Route[] = [
  {
    route: 'POST /v1/setup_intents',
    handle({ state, params }) {
      const customer = params.optString('customer');
      if (customer !== null && !state.customers.has(customer)) throw noSuchParam('customer', customer, 'customer');
      const types = params.stringArray('allowed_payment_method_types');
      const id = newId('seti');
      const setupIntent = buildSetupIntent({ id, created: state.nowSeconds(), clientSecret: newSecret(id), customer,
        usage: params.optString('usage') ?? 'off_session', paymentMethodTypes: types.length > 0 ? types : ['card'],
        metadata: params.metadata(), automaticPaymentMethods: automaticPaymentMethods(params) });
      state.setupIntents.set(id, setupIntent);
      state.emit('setup_intent.created', setupIntent);
      return ok(setupIntent);
    },
  },
  {
    route: 'GET /v1/setup_intents/:id',
    publishable: true,
    handle: (context) => ok(setupIntentOf(context)),
  },
  {
    route: 'POST /v1/setup_intents/:id/confirm',
    publishable: true,
    handle(context) {
      const intent = setupIntentOf(context);
      if (intent.status !== 'requires_payment_method' && intent.status !== 'requires_confirmation') {
        throw invalidRequest(`You cannot confirm this SetupIntent because it has a status of ${intent.status}.`, undefined, 'setup_intent_unexpected_state');
      }
      const paymentMethod = context.params.optString('payment_method') ?? (intent['payment_method'] as string | null);
      if (paymentMethod === null) {
        throw invalidRequest("You cannot confirm this SetupIntent because it's missing a payment method.", 'payment_method', 'setup_intent_invalid_parameter');
      }
      return ok(confirmSetupIntent(context.state, intent, paymentMethod));
    },
  },
];
