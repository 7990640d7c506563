import { SimulatedPaymentGateway, StripeWebhookInbox } from '@escrow/payments';
import { nowSeconds, signedDelivery, stripeEventFixture } from '../libs/payments/src/webhooks/testing/stripe-event.fixture';
import { type HttpResponse, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';

const webhookSecret = 'whsec_test_escrow_ledger_webhook_secret';
const stripeEnv = { STRIPE_SECRET_KEY: 'sk_test_escrow_ledger_key', STRIPE_WEBHOOK_SECRET: webhookSecret };
const path = '/v1/webhooks/stripe';

describeEachDatabase('POST /v1/webhooks/stripe', (target) => {
  const app = withApp(target, async (db) => ({ env: stripeEnv, gateway: await SimulatedPaymentGateway.open(db) }));
  let inbox: StripeWebhookInbox;
  beforeAll(() => {
    inbox = new StripeWebhookInbox(app.db);
  });

  const deliver = (body: string, headers: Record<string, string> = {}) =>
    app.api.request('POST', path, { body, headers: { 'content-type': 'application/json; charset=utf-8', ...headers } });
  const deliverSigned = (body: string, secret = webhookSecret, timestampSeconds?: number, extraHeaders: Record<string, string> = {}) => {
    const { signature } = signedDelivery(body, secret, timestampSeconds);
    return deliver(body, { 'stripe-signature': signature, ...extraHeaders });
  };
  const inboxSize = async () => {
    const { rows } = await app.db.query<{ n: number }>('select count(*)::int as n from stripe_webhook_inbox');
    return rows[0]!.n;
  };

  /** Refused with 400 and the reason, and nothing recorded. */
  async function expectRefused(send: () => Promise<HttpResponse>, eventId: string, message: RegExp): Promise<void> {
    const before = await inboxSize();
    const response = await send();
    expect(response.status).toBe(400);
    expect(response.body).toEqual({ statusCode: 400, error: 'Bad Request', message: expect.stringMatching(message) });
    expect(JSON.stringify(response.body)).not.toContain(webhookSecret);
    expect(await inboxSize()).toBe(before);
    expect(await inbox.get(eventId)).toBeNull();
  }

  it('records a correctly signed event and acknowledges it without a bearer token', async () => {
    const event = stripeEventFixture({ type: 'payment_intent.succeeded' });
    const before = await inboxSize();

    const response = await deliverSigned(JSON.stringify(event));

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, duplicate: false });
    expect(await inboxSize()).toBe(before + 1);
    expect(await inbox.get(event.id)).toMatchObject({ id: event.id, type: 'payment_intent.succeeded', payload: event });
  });

  it('answers a redelivery with 200 duplicate and records nothing more', async () => {
    const body = JSON.stringify(stripeEventFixture());
    expect((await deliverSigned(body)).body).toEqual({ received: true, duplicate: false });
    const after = await inboxSize();

    const again = await deliverSigned(body);

    expect(again.status).toBe(200);
    expect(again.body).toEqual({ received: true, duplicate: true });
    expect(await inboxSize()).toBe(after);
  });

  it('verifies the exact bytes received, whitespace included', async () => {
    const event = stripeEventFixture();
    const response = await deliverSigned(JSON.stringify(event, null, 2) + '\n');
    expect(response.body).toEqual({ received: true, duplicate: false });
    expect(await inbox.get(event.id)).toMatchObject({ payload: event });
  });

  it('refuses an unsigned delivery', async () => {
    const event = stripeEventFixture();
    await expectRefused(() => deliver(JSON.stringify(event)), event.id, /Stripe-Signature header is missing/);
  });

  it('refuses a delivery signed with another secret', async () => {
    const event = stripeEventFixture();
    await expectRefused(() => deliverSigned(JSON.stringify(event), 'whsec_someone_else'), event.id, /signature does not match/);
  });

  it('refuses a body altered after signing', async () => {
    const event = stripeEventFixture();
    const { signature } = signedDelivery(JSON.stringify(event), webhookSecret);
    const tampered = JSON.stringify({ ...event, type: 'charge.refunded' });
    await expectRefused(() => deliver(tampered, { 'stripe-signature': signature }), event.id, /signature does not match/);
  });

  it('refuses a malformed signature header', async () => {
    const event = stripeEventFixture();
    await expectRefused(() => deliver(JSON.stringify(event), { 'stripe-signature': 'v1=abc' }), event.id, /header is malformed/);
  });

  it('refuses a signature older than 300 s, and accepts one just inside the window', async () => {
    const stale = stripeEventFixture();
    await expectRefused(() => deliverSigned(JSON.stringify(stale), webhookSecret, nowSeconds() - 301), stale.id, /more than 300 s old/);

    const fresh = stripeEventFixture();
    const response = await deliverSigned(JSON.stringify(fresh), webhookSecret, nowSeconds() - 240);
    expect(response.body).toEqual({ received: true, duplicate: false });
  });

  it('refuses a live-mode event on a test-mode key', async () => {
    const event = stripeEventFixture({ livemode: true });
    await expectRefused(() => deliverSigned(JSON.stringify(event)), event.id, /live-mode event but this endpoint accepts test-mode events only/);
  });

  it('refuses a signed body that is not JSON, or not a Stripe event', async () => {
    await expectRefused(() => deliverSigned('{"id": "evt_broken", '), 'evt_broken', /not valid JSON/);
    const notAnEvent = JSON.stringify({ id: 'evt_not_an_event', object: 'charge', created: nowSeconds(), livemode: false, type: 'x' });
    await expectRefused(() => deliverSigned(notAnEvent), 'evt_not_an_event', /object must be "event"/);
  });

  it('takes events larger than the JSON routes allow, up to 1 MB, and refuses more with 413', async () => {
    const large = { ...stripeEventFixture(), padding: 'x'.repeat(300_000) };
    expect((await deliverSigned(JSON.stringify(large))).body).toEqual({ received: true, duplicate: false });

    const huge = { ...stripeEventFixture(), padding: 'x'.repeat(1_000_001) };
    const before = await inboxSize();
    const response = await deliverSigned(JSON.stringify(huge));
    expect(response.status).toBe(413);
    expect(response.body).toMatchObject({ statusCode: 413, message: expect.any(String) });
    expect(await inboxSize()).toBe(before);
  });

  it('is not captured by the Idempotency-Key interceptor', async () => {
    const [first, second] = [stripeEventFixture(), stripeEventFixture()];
    const sameKey = { 'idempotency-key': 'webhook-key-1' };

    expect((await deliverSigned(JSON.stringify(first), webhookSecret, undefined, sameKey)).body).toEqual({ received: true, duplicate: false });
    const response = await deliverSigned(JSON.stringify(second), webhookSecret, undefined, sameKey);

    expect(response.status).toBe(200);
    expect(response.body).toEqual({ received: true, duplicate: false });
    expect(response.headers.get('idempotent-replayed')).toBeNull();
    expect(await inbox.get(second.id)).not.toBeNull();
  });

  describe('a correctly signed payload that cannot be stored', () => {
    const withMetadata = (value: string) => {
      const event = stripeEventFixture();
      (event.data.object as { metadata: Record<string, string> }).metadata.note = value;
      return event;
    };
    const nested = (depth: number) => '['.repeat(depth) + ']'.repeat(depth);

    it.each([
      { what: 'a NUL character', body: () => JSON.stringify(withMetadata('a\u0000b')), message: /^event payload: data\.object\.metadata\.note: must not contain NUL/ },
      { what: 'an unpaired surrogate', body: () => JSON.stringify(withMetadata('a\ud800b')), message: /^event payload: data\.object\.metadata\.note: must be valid Unicode/ },
      {
        what: '10,000 levels of nesting',
        body: () => JSON.stringify(stripeEventFixture()).replace(/}$/, `,"deep":${nested(10_000)}}`),
        message: /^event payload: deep(\[0\])*: nested more than 64 levels deep/,
      },
    ])('is refused with 400 and a reason naming the field when it holds $what, and nothing is recorded', async ({ body, message }) => {
      const text = body();
      const eventId = (JSON.parse(text) as { id: string }).id;
      await expectRefused(() => deliverSigned(text), eventId, message);
    });

    it('still records a payload nested as deep as Stripe nests and holding any valid text', async () => {
      const event = withMetadata('Zoë — 東京 🚀 tab\tand\nnewline');
      const response = await deliverSigned(JSON.stringify(event));
      expect(response.body).toEqual({ received: true, duplicate: false });
      expect(await inbox.get(event.id)).toMatchObject({ payload: event });
    });
  });
});

describeEachDatabase('POST /v1/webhooks/stripe with simulated payments', (target) => {
  const app = withApp(target);

  it('answers 404: Stripe webhooks are not enabled', async () => {
    const event = stripeEventFixture();
    const { body, signature } = signedDelivery(JSON.stringify(event), webhookSecret);

    const response = await app.api.request('POST', path, { body, headers: { 'stripe-signature': signature } });

    expect(response.status).toBe(404);
    expect(response.body).toEqual({ statusCode: 404, error: 'Not Found', message: expect.stringMatching(/Stripe webhooks are not enabled/) });
    const { rows } = await app.db.query<{ n: number }>('select count(*)::int as n from stripe_webhook_inbox');
    expect(rows[0]!.n).toBe(0);
  });
});
