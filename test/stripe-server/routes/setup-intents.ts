import { noSuchParam } from '../errors';
import { newId, newSecret } from '../ids';
import { buildSetupIntent } from '../objects/setup-intent';
import { ok, pathParam, type Route } from '../router';
import { mustGet } from '../state';

export const setupIntentRoutes: Route[] = [
  {
    method: 'POST', pattern: /^\/v1\/setup_intents$/,
    handle({ state, params }) {
      const customer = params.optString('customer');
      if (customer !== null && !state.customers.has(customer)) throw noSuchParam('customer', customer, 'customer');
      const types = params.stringArray('payment_method_types');
      const id = newId('seti');
      const setupIntent = buildSetupIntent({ id, created: state.nowSeconds(), clientSecret: newSecret(id), customer,
        usage: params.optString('usage') ?? 'off_session', paymentMethodTypes: types.length > 0 ? types : ['card'],
        metadata: params.metadata() });
      state.setupIntents.set(id, setupIntent);
      state.emit('setup_intent.created', setupIntent);
      return ok(setupIntent);
    },
  },
  {
    method: 'GET', pattern: /^\/v1\/setup_intents\/([^/]+)$/,
    handle: (context) => ok(mustGet(context.state.setupIntents, pathParam(context), 'setupintent')),
  },
];
