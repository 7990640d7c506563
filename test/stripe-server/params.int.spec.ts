import type Stripe from 'stripe';
import { routeParams, type RouteName } from './route-params';
import { routeTemplate } from './router';
import { stripeRoutes } from './routes';
import { customerWith, rejectionOf, startWithClient } from './spec-support';
import type { StripeTestServer } from './types';

/** Stripe refuses what it does not know, before anything runs; so does this server, on every route. */

interface Answer {
  status: number;
  error: Record<string, unknown> | undefined;
  body: Record<string, unknown>;
}

/** A raw request: the exact form (query for GET, body for POST) and headers, no SDK in between. */
async function send(server: StripeTestServer, method: string, path: string, form: string,
  headers: Record<string, string> = {}): Promise<Answer> {
  // The SDK sends GET and DELETE parameters in the query string, POST parameters in the body.
  const inQuery = method === 'GET' || method === 'DELETE';
  const response = await fetch(inQuery ? `${server.url}${path}${form === '' ? '' : `?${form}`}` : `${server.url}${path}`, {
    method,
    headers: { authorization: 'Bearer sk_test_spec', 'content-type': 'application/x-www-form-urlencoded', ...headers },
    ...(inQuery ? {} : { body: form }),
  });
  const body = await response.json() as Record<string, unknown>;
  return { status: response.status, error: body['error'] as Record<string, unknown> | undefined, body };
}

function unknownParameter(name: string): Record<string, unknown> {
  return { type: 'invalid_request_error', message: `Received unknown parameter: ${name}`, param: name, code: 'parameter_unknown' };
}

/** A concrete path for a route, e.g. `/v1/charges/ch_unknown` for `GET /v1/charges/:id`. */
function pathOf(route: RouteName): string {
  return route.slice(route.indexOf(' ') + 1).replace(/:[a-z]+/g, 'x_unknown');
}

const routeNames = Object.keys(routeParams) as RouteName[];

describe('Stripe-compatible test server: parameters', () => {
  let server: StripeTestServer;
  let stripe: Stripe;

  beforeEach(async () => {
    ({ server, stripe } = await startWithClient());
  });

  afterEach(async () => {
    await server.close();
  });

  test('every route it serves has an entry in the parameter table, and every entry is served', () => {
    const served = stripeRoutes.map((route) => route.route);
    expect(new Set(served).size).toBe(served.length);
    expect([...served].sort()).toEqual([...routeNames].sort());
    expect(stripeRoutes.every((route) => routeTemplate(route).startsWith('/v1/'))).toBe(true);
  });

  test.each(routeNames)('%s refuses an unknown parameter as Stripe does, before running', async (route) => {
    const method = route.slice(0, route.indexOf(' '));
    const answer = await send(server, method, pathOf(route), 'bogus=1');
    expect(answer.status).toBe(400);
    expect(answer.error).toEqual(unknownParameter('bogus'));
    expect(server.events()).toEqual([]);
  });

  test('a nested unknown name is refused with its full name; metadata takes any keys', async () => {
    const { customer, paymentMethod } = await customerWith(stripe, 'pm_card_visa');
    const intent = `amount=500&currency=usd&customer=${customer}&payment_method=${paymentMethod}`;
    const nested = await send(server, 'POST', '/v1/payment_intents', `${intent}&payment_method_options[bogus]=1`);
    expect(nested.status).toBe(400);
    expect(nested.error).toEqual(unknownParameter('payment_method_options[bogus]'));
    const deeper = await send(server, 'POST', '/v1/accounts', 'type=express&capabilities[transfers][bogus]=true');
    expect(deeper.error).toEqual(unknownParameter('capabilities[transfers][bogus]'));
    const anyKeys = await send(server, 'POST', '/v1/payment_intents', `${intent}&metadata[anything_at_all]=x`);
    expect(anyKeys.status).toBe(200);
    expect((anyKeys.body['metadata'] as Record<string, string>)['anything_at_all']).toBe('x');
    const sdk = await rejectionOf(stripe.paymentIntents.create({ amount: 500, currency: 'usd', customer,
      payment_method_options: { bogus: { x: 1 } } } as unknown as Stripe.PaymentIntentCreateParams));
    expect(sdk.message).toBe('Received unknown parameter: payment_method_options[bogus]');
    expect([sdk.statusCode, sdk.code, sdk.param]).toEqual([400, 'parameter_unknown', 'payment_method_options[bogus]']);
  });

  test('several unknown names are all listed', async () => {
    const answer = await send(server, 'POST', '/v1/customers', 'bogus=1&nonsense=2');
    expect(answer.error).toEqual({ type: 'invalid_request_error', message: 'Received unknown parameters: bogus, nonsense',
      param: 'bogus', code: 'parameter_unknown' });
  });

  test('off_session must be a boolean (or one of Stripe\'s off-session kinds)', async () => {
    const { customer, paymentMethod } = await customerWith(stripe, 'pm_card_visa');
    const intent = `amount=500&currency=usd&customer=${customer}&payment_method=${paymentMethod}&confirm=true`;
    const maybe = await send(server, 'POST', '/v1/payment_intents', `${intent}&off_session=maybe`);
    expect(maybe.status).toBe(400);
    expect(maybe.error).toEqual({ type: 'invalid_request_error', message: 'Invalid boolean: maybe', param: 'off_session' });
    const confirm = await send(server, 'POST', '/v1/payment_intents', 'amount=500&currency=usd&confirm=yes');
    expect(confirm.error).toEqual({ type: 'invalid_request_error', message: 'Invalid boolean: yes', param: 'confirm' });
    expect(server.ledger().charges).toEqual([]);
    expect((await send(server, 'POST', '/v1/payment_intents', `${intent}&off_session=true`)).status).toBe(200);
    expect((await send(server, 'POST', '/v1/payment_intents', `${intent}&off_session=recurring`)).status).toBe(200);
  });

  test('usage must be one of its values', async () => {
    const customer = await stripe.customers.create({});
    const error = await rejectionOf(stripe.setupIntents.create({ customer: customer.id,
      usage: 'sometimes' as Stripe.SetupIntentCreateParams.Usage }));
    expect([error.statusCode, error.message, error.param]).toEqual([400, 'Invalid usage: must be one of on_session or off_session', 'usage']);
    expect((await stripe.setupIntents.create({ customer: customer.id, usage: 'on_session' })).usage).toBe('on_session');
    const nested = await send(server, 'POST', '/v1/setup_intents', 'automatic_payment_methods[enabled]=true&automatic_payment_methods[allow_redirects]=sometimes');
    expect(nested.error).toEqual({ type: 'invalid_request_error', param: 'automatic_payment_methods[allow_redirects]',
      message: 'Invalid allow_redirects: must be one of always or never' });
    const item = await send(server, 'POST', '/v1/setup_intents', 'allowed_payment_method_types[0]=card&allowed_payment_method_types[1]=cheque');
    expect(item.error).toMatchObject({ param: 'allowed_payment_method_types[1]' });
    expect(String(item.error?.['message'])).toMatch(/^Invalid allowed_payment_method_types: must be one of acss_debit, affirm, .*, or zip$/);
    const automatic = await stripe.setupIntents.create({ customer: customer.id, automatic_payment_methods: { enabled: true } });
    expect(automatic.automatic_payment_methods).toEqual({ allow_redirects: 'always', enabled: true });
    const reason = await send(server, 'POST', '/v1/refunds', 'charge=ch_x&reason=because');
    expect(reason.error).toEqual({ type: 'invalid_request_error', param: 'reason',
      message: 'Invalid reason: must be one of duplicate, fraudulent, or requested_by_customer' });
  });

  test('list and retrieve queries take only what Stripe allows there', async () => {
    const list = await rejectionOf(stripe.charges.list({ bogus: 1 } as Stripe.ChargeListParams));
    expect([list.statusCode, list.message, list.code]).toEqual([400, 'Received unknown parameter: bogus', 'parameter_unknown']);
    expect((await send(server, 'GET', '/v1/charges', 'created[bogus]=1')).error).toEqual(unknownParameter('created[bogus]'));
    expect((await send(server, 'GET', '/v1/transfers', 'customer=cus_x')).error).toEqual(unknownParameter('customer'));
    const customer = await stripe.customers.create({});
    expect((await send(server, 'GET', `/v1/customers/${customer.id}`, 'limit=1')).error).toEqual(unknownParameter('limit'));
    expect((await send(server, 'GET', '/v1/payment_intents/search', "query=status:'succeeded'&starting_after=pi_x")).error)
      .toEqual(unknownParameter('starting_after'));
    expect((await send(server, 'GET', '/v1/charges', 'created[gte]=soon')).error).toEqual({ type: 'invalid_request_error',
      message: 'Invalid integer: soon', param: 'created[gte]', code: 'parameter_invalid_integer' });
    expect((await send(server, 'GET', '/v1/refunds', 'limit=0')).error).toEqual({ type: 'invalid_request_error',
      message: 'This value must be greater than or equal to 1.', param: 'limit' });
    expect((await send(server, 'GET', '/v1/events', 'limit=101')).error).toEqual({ type: 'invalid_request_error',
      message: 'This value must be less than or equal to 100.', param: 'limit' });
    const allowed = 'limit=3&created[gte]=0&created[lt]=99999999999&expand[]=data.customer';
    expect((await send(server, 'GET', '/v1/charges', allowed)).status).toBe(200);
    expect((await send(server, 'GET', `/v1/customers/${customer.id}`, 'expand[]=default_source')).status).toBe(200);
  });

  test('values of the wrong form are refused', async () => {
    expect((await send(server, 'POST', '/v1/transfers', 'amount=ten&currency=usd&destination=acct_x')).error).toEqual({
      type: 'invalid_request_error', message: 'Invalid integer: ten', param: 'amount', code: 'parameter_invalid_integer' });
    expect((await send(server, 'POST', '/v1/transfers', 'amount=&currency=usd&destination=acct_x')).error).toMatchObject({
      param: 'amount', code: 'parameter_invalid_empty' });
    expect((await send(server, 'POST', '/v1/transfers', 'currency=usd&destination=acct_x')).error).toEqual({
      type: 'invalid_request_error', message: 'Missing required param: amount.', param: 'amount', code: 'parameter_missing' });
    expect((await send(server, 'POST', '/v1/customers', 'metadata=flat')).error).toEqual({
      type: 'invalid_request_error', message: 'Invalid hash', param: 'metadata' });
    expect((await send(server, 'POST', '/v1/customers', 'metadata=')).status).toBe(200);
    expect((await send(server, 'GET', '/v1/balance', 'expand=available')).error).toEqual({
      type: 'invalid_request_error', message: 'Invalid array', param: 'expand' });
  });

  test('what Stripe knows but this server does not model is refused, never silently ignored', async () => {
    const answer = await send(server, 'POST', '/v1/payment_intents', 'amount=500&currency=usd&capture_method=manual');
    expect(answer.status).toBe(400);
    expect(answer.error).toMatchObject({ type: 'invalid_request_error', param: 'capture_method', code: 'test_server_unsupported_parameter' });
    expect(String(answer.error?.['message'])).toContain('Stripe accepts the parameter capture_method');
  });

  test('a Stripe-Version that Stripe does not know is refused; none means the account default', async () => {
    for (const version of ['yesterday', '2026-10-29.endive', '2026-10-28', '']) {
      const answer = await send(server, 'GET', '/v1/balance', '', { 'stripe-version': version });
      expect([version, answer.status, answer.error]).toEqual([version, 400,
        { type: 'invalid_request_error', message: `Invalid Stripe API version: ${version}` }]);
    }
    const customers = await send(server, 'POST', '/v1/customers', 'email=a@example.com', { 'stripe-version': 'latest' });
    expect(customers.status).toBe(400);
    expect(server.events()).toEqual([]);
    for (const version of ['2026-10-28.endive', '2020-08-27', '2024-09-30.acacia']) {
      expect((await send(server, 'GET', '/v1/balance', '', { 'stripe-version': version })).status).toBe(200);
    }
    expect((await send(server, 'GET', '/v1/balance', '')).status).toBe(200);
    expect((await stripe.balance.retrieve()).object).toBe('balance');
  });

  test('a refused request does not claim its idempotency key (no endpoint ran)', async () => {
    const key = { 'idempotency-key': 'k-params' };
    expect((await send(server, 'POST', '/v1/customers', 'email=a@example.com&bogus=1', key)).status).toBe(400);
    expect((await send(server, 'POST', '/v1/customers', 'email=a@example.com', { ...key, 'stripe-version': 'nope' })).status).toBe(400);
    const created = await send(server, 'POST', '/v1/customers', 'email=a@example.com', key);
    expect(created.status).toBe(200);
    expect(created.body['email']).toBe('a@example.com');
  });
});
