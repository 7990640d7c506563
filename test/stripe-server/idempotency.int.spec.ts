import type Stripe from 'stripe';
import { idempotencyKeyLifetimeMs } from './idempotency';
import { rejectionOf, startWithClient } from './spec-support';
import type { StripeTestServer } from './types';

describe('idempotency keys (Stripe semantics)', () => {
  let server: StripeTestServer;
  let stripe: Stripe;
  let nowMs = Date.UTC(2026, 10, 1);

  beforeEach(async () => ({ server, stripe } = await startWithClient({ now: () => nowMs })));
  afterEach(() => server.close());

  it('replays the stored answer for the same key and params, without applying again', async () => {
    const first = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-1' });
    const again = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-1' });
    expect(again.id).toBe(first.id);
    expect(again.lastResponse.headers['idempotent-replayed']).toBe('true');
    expect(server.events().filter((event) => event.type === 'customer.created')).toHaveLength(1);
  });

  it('stores a 4xx validation error and replays it', async () => {
    const params = { amount: 100, currency: 'usd', destination: 'acct_missing' };
    const first = await rejectionOf(stripe.transfers.create(params, { idempotencyKey: 'k-err' }));
    const again = await rejectionOf(stripe.transfers.create(params, { idempotencyKey: 'k-err' }));
    expect(first.statusCode).toBe(400);
    expect(again.message).toBe(first.message);
    expect(again.headers?.['idempotent-replayed']).toBe('true');
  });

  it('rejects the same key with other params', async () => {
    await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-2' });
    const error = await rejectionOf(stripe.customers.create({ email: 'b@example.com' }, { idempotencyKey: 'k-2' }));
    expect(error.statusCode).toBe(400);
    expect(error.type).toBe('StripeIdempotencyError');
    expect(error.message).toBe("Keys for idempotent requests can only be used with the same parameters they were first used with. Try using a key other than 'k-2' if you meant to execute a different request.");
  });

  it('answers 409 while the first request with the key is still in flight', async () => {
    server.injectFault({ path: '/v1/customers', kind: 'latency', latencyMs: 400 });
    const slow = stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-3' });
    await new Promise((resolve) => setTimeout(resolve, 100));
    const error = await rejectionOf(stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-3' }));
    expect(error.statusCode).toBe(409);
    expect(error.code).toBe('idempotency_key_in_use');
    const created = await slow;
    const replay = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-3' });
    expect(replay.id).toBe(created.id);
  });

  it('forgets keys after 24 hours', async () => {
    const first = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-4' });
    nowMs += idempotencyKeyLifetimeMs - 1000;
    expect((await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-4' })).id).toBe(first.id);
    nowMs += 2000;
    const later = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-4' });
    expect(later.id).not.toBe(first.id);
    expect(later.lastResponse.headers['idempotent-replayed']).toBeUndefined();
  });

  it('does not store a 500: the retry is applied', async () => {
    server.injectFault({ path: '/v1/customers', kind: 'http_500' });
    const error = await rejectionOf(stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-5' }));
    expect(error.statusCode).toBe(500);
    const retried = await stripe.customers.create({ email: 'a@example.com' }, { idempotencyKey: 'k-5' });
    expect(retried.lastResponse.headers['idempotent-replayed']).toBeUndefined();
    expect(server.events().filter((event) => event.type === 'customer.created')).toHaveLength(1);
  });
});
