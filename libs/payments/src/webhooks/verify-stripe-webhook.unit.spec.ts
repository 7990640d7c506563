import { signedDelivery, stripeEventFixture } from './testing/stripe-event.fixture';
import { isLiveKey, verifyStripeWebhook, type StripeWebhookDelivery } from './verify-stripe-webhook';

const secret = 'whsec_unit_test_secret';
const signedAt = 1_790_000_000;
const secondsLater = (seconds: number) => new Date((signedAt + seconds) * 1_000);

function delivery(body: string, overrides: Partial<StripeWebhookDelivery> = {}): StripeWebhookDelivery {
  return {
    rawBody: Buffer.from(body),
    signatureHeader: signedDelivery(body, secret, signedAt).signature,
    webhookSecret: secret,
    secretKey: 'sk_test_unit',
    receivedAt: secondsLater(1),
    ...overrides,
  };
}

describe('verifyStripeWebhook', () => {
  it('returns the event Stripe signed', () => {
    const event = stripeEventFixture({ created: signedAt });
    expect(verifyStripeWebhook(delivery(JSON.stringify(event)))).toEqual({ ok: true, event });
  });

  it('judges age against the time it is given: 300 s is in, 301 s is out', () => {
    const body = JSON.stringify(stripeEventFixture());
    expect(verifyStripeWebhook(delivery(body, { receivedAt: secondsLater(300) })).ok).toBe(true);
    expect(verifyStripeWebhook(delivery(body, { receivedAt: secondsLater(301) }))).toEqual({
      ok: false,
      reason: 'signature timestamp is more than 300 s old',
    });
  });

  it('accepts live-mode events only with a live key, and test-mode events only with a test key', () => {
    const live = JSON.stringify(stripeEventFixture({ livemode: true }));
    const test = JSON.stringify(stripeEventFixture({ livemode: false }));
    expect(verifyStripeWebhook(delivery(live, { secretKey: 'sk_live_unit' })).ok).toBe(true);
    expect(verifyStripeWebhook(delivery(live, { secretKey: 'rk_live_unit' })).ok).toBe(true);
    expect(verifyStripeWebhook(delivery(test, { secretKey: 'sk_live_unit' }))).toEqual({
      ok: false,
      reason: expect.stringMatching(/test-mode event but this endpoint accepts live-mode events only/),
    });
    expect(verifyStripeWebhook(delivery(live, { secretKey: 'sk_test_unit' })).ok).toBe(false);
  });

  it.each([
    { what: 'no header', overrides: { signatureHeader: undefined }, reason: /header is missing/ },
    { what: 'an empty header', overrides: { signatureHeader: '' }, reason: /header is missing/ },
    { what: 'the header twice', overrides: { signatureHeader: ['t=1,v1=a', 't=1,v1=b'] }, reason: /sent once/ },
    { what: 'no body', overrides: { rawBody: undefined }, reason: /body is empty/ },
    { what: 'another secret', overrides: { webhookSecret: 'whsec_other' }, reason: /does not match/ },
    { what: 'a header without v1', overrides: { signatureHeader: `t=${signedAt},v0=abc` }, reason: /malformed/ },
  ])('refuses a delivery with $what', ({ overrides, reason }) => {
    const verdict = verifyStripeWebhook(delivery(JSON.stringify(stripeEventFixture()), overrides));
    expect(verdict).toEqual({ ok: false, reason: expect.stringMatching(reason) });
    if (!verdict.ok) expect(verdict.reason).not.toContain(secret);
  });

  it.each([
    { what: 'a thin (v2) event', body: { id: 'evt_1', object: 'v2.core.event', type: 'x', created: '2026-01-01' }, reason: /thin events/ },
    { what: 'an array', body: [], reason: /not a Stripe event object/ },
    { what: 'no id', body: { object: 'event', type: 'x', created: signedAt, livemode: false }, reason: /event id/ },
    { what: 'no type', body: { id: 'evt_1', object: 'event', created: signedAt, livemode: false }, reason: /event type/ },
    { what: 'a fractional created', body: { id: 'evt_1', object: 'event', type: 'x', created: 1.5, livemode: false }, reason: /created/ },
    { what: 'no livemode', body: { id: 'evt_1', object: 'event', type: 'x', created: signedAt }, reason: /livemode/ },
  ])('refuses a correctly signed body that is $what', ({ body, reason }) => {
    expect(verifyStripeWebhook(delivery(JSON.stringify(body)))).toEqual({ ok: false, reason: expect.stringMatching(reason) });
  });
});

describe('isLiveKey', () => {
  it.each([
    ['sk_live_abc', true],
    ['rk_live_abc', true],
    ['sk_test_abc', false],
    ['rk_test_abc', false],
  ])('%s → %s', (key, live) => {
    expect(isLiveKey(key)).toBe(live);
  });
});
