import type Stripe from 'stripe';
import { rejectionOf, startWithClient } from './spec-support';
import type { StripeTestServer } from './types';

/** Saving a card with a SetupIntent: by the server SDK (secret key), and as Stripe.js does it (publishable key). */
describe('SetupIntents: confirming, and the browser side', () => {
  let server: StripeTestServer;
  let stripe: Stripe;

  beforeEach(async () => ({ server, stripe } = await startWithClient()));
  afterEach(() => server.close());

  const newIntent = async () => {
    const customer = await stripe.customers.create({});
    const intent = await stripe.setupIntents.create({ customer: customer.id, usage: 'off_session', automatic_payment_methods: { enabled: true } });
    return { customer: customer.id, intent };
  };

  /** What Stripe.js sends: a form body with the client secret, under the publishable key. */
  const asBrowser = async (method: 'GET' | 'POST', path: string, form: Record<string, string>, key = 'pk_test_spec') => {
    const body = new URLSearchParams(form).toString();
    const url = method === 'GET' ? `${server.url}${path}?${body}` : `${server.url}${path}`;
    const response = await fetch(url, {
      method,
      headers: { authorization: `Bearer ${key}`, 'content-type': 'application/x-www-form-urlencoded', origin: 'http://127.0.0.1:1' },
      body: method === 'POST' ? body : undefined,
    });
    return { status: response.status, headers: response.headers, json: async () => (await response.json()) as any };
  };

  it('saves a test card to the customer as a new payment method, and refuses a second confirmation', async () => {
    const { customer, intent } = await newIntent();
    const confirmed = await stripe.setupIntents.confirm(intent.id, { payment_method: 'pm_card_visa' });
    expect(confirmed.status).toBe('succeeded');
    expect(confirmed.payment_method).toMatch(/^pm_(?!card_visa)/);
    expect((await stripe.paymentMethods.retrieve(confirmed.payment_method as string)).customer).toBe(customer);
    expect(server.events().map((e) => e.type)).toEqual(expect.arrayContaining(['setup_intent.succeeded', 'payment_method.attached']));
    const again = await rejectionOf(stripe.setupIntents.confirm(intent.id, { payment_method: 'pm_card_visa' }));
    expect([again.statusCode, again.code]).toEqual([400, 'setup_intent_unexpected_state']);
  });

  it('does not save a card that declines: 402, and the intent waits for another card', async () => {
    const { intent } = await newIntent();
    const error = await rejectionOf(stripe.setupIntents.confirm(intent.id, { payment_method: 'pm_card_chargeDeclinedInsufficientFunds' }));
    expect([error.statusCode, error.type, error.code, error.decline_code]).toEqual([402, 'StripeCardError', 'card_declined', 'insufficient_funds']);
    const after = await stripe.setupIntents.retrieve(intent.id);
    expect(after.status).toBe('requires_payment_method');
    expect(after.last_setup_error?.decline_code).toBe('insufficient_funds');
    expect(server.events().filter((e) => e.type === 'payment_method.attached')).toHaveLength(0);
    expect((await stripe.setupIntents.confirm(intent.id, { payment_method: 'pm_card_mastercard' })).status).toBe('succeeded');
  });

  it('lets a publishable key confirm and read only the intent whose client secret it holds', async () => {
    const { customer, intent } = await newIntent();
    const secret = intent.client_secret as string;
    const read = await asBrowser('GET', `/v1/setup_intents/${intent.id}`, { client_secret: secret });
    expect(read.status).toBe(200);
    expect(read.headers.get('access-control-allow-origin')).toBe('*');
    expect((await read.json()).status).toBe('requires_payment_method');

    const noSecret = await asBrowser('POST', `/v1/setup_intents/${intent.id}/confirm`, { payment_method: 'pm_card_visa' });
    expect([noSecret.status, (await noSecret.json()).error.param]).toEqual([400, 'client_secret']);
    const wrongSecret = await asBrowser('POST', `/v1/setup_intents/${intent.id}/confirm`, { payment_method: 'pm_card_visa', client_secret: `${intent.id}_secret_other` });
    expect([wrongSecret.status, (await wrongSecret.json()).error.param]).toEqual([400, 'client_secret']);
    const elsewhere = await asBrowser('POST', '/v1/customers', {});
    expect(elsewhere.status).toBe(401);
    expect((await elsewhere.json()).error.message).toMatch(/publishable API key/);

    const confirmed = await asBrowser('POST', `/v1/setup_intents/${intent.id}/confirm`, { payment_method: 'pm_card_amex', client_secret: secret });
    expect(confirmed.status).toBe(200);
    const body = await confirmed.json();
    expect(body.status).toBe('succeeded');
    expect((await stripe.paymentMethods.retrieve(body.payment_method)).customer).toBe(customer);
  });

  it('serves a Stripe.js stand-in, its card frame and the CORS preflight', async () => {
    const script = await fetch(`${server.url}/v3/`);
    expect(script.headers.get('content-type')).toMatch(/javascript/);
    expect(await script.text()).toContain(`const origin = ${JSON.stringify(server.url)}`);
    const frame = await (await fetch(`${server.url}/elements/payment`)).text();
    expect(frame).toContain('<option value="pm_card_visa">');
    expect(frame).not.toContain('pm_card_authenticationRequired');
    const preflight = await fetch(`${server.url}/v1/setup_intents/seti_1/confirm`, { method: 'OPTIONS' });
    expect(preflight.status).toBe(204);
    expect(preflight.headers.get('access-control-allow-headers')).toContain('authorization');
  });
});
