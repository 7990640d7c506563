import { noSuchParam } from '../errors';
import type { Params } from '../form';
import { newId, newSecret } from '../ids';
import { buildSetupIntent } from '../objects/setup-intent';
import { ok, pathParam, type Route } from '../router';
import { mustGet } from '../state';
import type { JsonObject } from '../types';

/** `automatic_payment_methods` as the intent shows it, or null when not asked for. */
export function automaticPaymentMethods(params: Params): JsonObject | null {
  const asked = params.object('automatic_payment_methods');
  if (asked['enabled'] === undefined) return null;
  return { allow_redirects: typeof asked['allow_redirects'] === 'string' ? asked['allow_redirects'] : 'always',
    enabled: asked['enabled'] === 'true' };
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
    handle: (context) => ok(mustGet(context.state.setupIntents, pathParam(context), 'setupintent')),
  },
];
