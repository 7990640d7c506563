import { newId } from '../ids';
import { buildCustomer } from '../objects/customer';
import { ok, pathParam, type Route } from '../router';
import { mustGet } from '../state';

export const customerRoutes: Route[] = [
  {
    route: 'POST /v1/customers',
    handle({ state, params }) {
      const id = newId('cus');
      const customer = buildCustomer({ id, created: state.nowSeconds(), email: params.optString('email'),
        name: params.optString('name'), description: params.optString('description'),
        metadata: params.metadata(), invoicePrefix: id.slice(4, 12).toUpperCase() });
      state.customers.set(id, customer);
      state.emit('customer.created', customer);
      return ok(customer);
    },
  },
  {
    route: 'GET /v1/customers/:id',
    handle: (context) => ok(mustGet(context.state.customers, pathParam(context), 'customer')),
  },
];
