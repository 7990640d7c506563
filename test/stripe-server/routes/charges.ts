import { fieldEquals, listPage } from '../list';
import { ok, pathParam, type Route } from '../router';
import { mustGet } from '../state';

export const chargeRoutes: Route[] = [
  {
    route: 'GET /v1/charges',
    handle: ({ state, params }) => ok(listPage(state.charges.values(), params, '/v1/charges',
      fieldEquals(params, 'payment_intent', 'transfer_group', 'customer'))),
  },
  {
    route: 'GET /v1/charges/:id',
    handle: (context) => ok(mustGet(context.state.charges, pathParam(context), 'charge')),
  },
];
