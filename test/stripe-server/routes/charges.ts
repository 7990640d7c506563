import { fieldEquals, listPage } from '../list';
import { ok, pathParam, type Route } from '../router';
import { mustGet } from '../state';

export const chargeRoutes: Route[] = [
  {
    method: 'GET', pattern: /^\/v1\/charges$/,
    handle: ({ state, params }) => ok(listPage(state.charges.values(), params, '/v1/charges',
      fieldEquals(params, 'payment_intent', 'transfer_group', 'customer'))),
  },
  {
    method: 'GET', pattern: /^\/v1\/charges\/([^/]+)$/,
    handle: (context) => ok(mustGet(context.state.charges, pathParam(context), 'charge')),
  },
];
