import type Stripe from 'stripe';
import { paidCharge, rejectionOf, startWithClient, onboardedAccount } from './spec-support';
import type { StripeTestServer } from './types';

describe('fault injection, observed through the SDK', () => {
  let server: StripeTestServer;
  let stripe: Stripe;
  let destination: string;
  let charge: string;

  beforeEach(async () => {
    ({ server, stripe } = await startWithClient({}, { timeout: 300 }));
    charge = (await paidCharge(stripe, 1000)).charge;
    destination = await onboardedAccount(server, stripe);
  });
  afterEach(() => server.close());

  const transfer = (key: string) => stripe.transfers.create(
    { amount: 100, currency: 'usd', destination, source_transaction: charge }, { idempotencyKey: key });

  it('reset_before never applies the request', async () => {
    // The SDK retries a reset connection once even with maxNetworkRetries 0, so reset both attempts.
    server.injectFault({ path: '/v1/transfers', kind: 'reset_before', times: 2 });
    const error = await rejectionOf(transfer('t-1'));
    expect(error.type).toBe('StripeConnectionError');
    expect(server.ledger().transfers).toHaveLength(0);
  });

  it('reset_after applies exactly once; the SDK\'s retry with the same key gets the replay', async () => {
    server.injectFault({ path: '/v1/transfers', kind: 'reset_after' });
    const created = await transfer('t-2');
    expect(server.ledger().transfers.map((entry) => entry.id)).toEqual([created.id]);
    expect(created.lastResponse.headers['idempotent-replayed']).toBe('true');
  });

  it('reset_after with the retry also reset: the caller sees an error but the money moved once', async () => {
    server.injectFault({ path: '/v1/transfers', kind: 'reset_after', times: 2 });
    const error = await rejectionOf(transfer('t-3'));
    expect(error.type).toBe('StripeConnectionError');
    expect(server.ledger().transfers).toHaveLength(1);
    const retried = await transfer('t-3');
    expect(server.ledger().transfers.map((entry) => entry.id)).toEqual([retried.id]);
  });

  it('latency applies the request but answers after the client gave up', async () => {
    server.injectFault({ path: '/v1/transfers', kind: 'latency', latencyMs: 600 });
    const error = await rejectionOf(transfer('t-4'));
    expect(error.type).toBe('StripeConnectionError');
    expect(server.ledger().transfers).toHaveLength(1);
  });

  it.each([
    ['http_500', 500, 'StripeAPIError'],
    ['http_429', 429, 'StripeRateLimitError'],
  ] as const)('%s answers %i without applying', async (kind, status, type) => {
    server.injectFault({ method: 'POST', path: '/v1/transfers', kind });
    const error = await rejectionOf(transfer(`t-${kind}`));
    expect([error.statusCode, error.type]).toEqual([status, type]);
    expect(server.ledger().transfers).toHaveLength(0);
    await transfer(`t-${kind}`);
    expect(server.ledger().transfers).toHaveLength(1);
  });

  it('chaos is deterministic for a seed and only hits matching POSTs', async () => {
    async function outcomes(seed: number): Promise<string[]> {
      server.setChaos({ rate: 0.5, seed, kinds: ['http_500', 'http_429'], paths: ['/v1/customers'] });
      const results: string[] = [];
      for (let i = 0; i < 12; i += 1) {
        results.push(await stripe.customers.create({}).then(() => 'ok', (error: Stripe.errors.StripeError) => String(error.statusCode)));
      }
      await stripe.balance.retrieve();
      server.setChaos(null);
      return results;
    }
    const first = await outcomes(7);
    expect(await outcomes(7)).toEqual(first);
    expect(new Set(first).size).toBeGreaterThan(1);
    expect(server.requests().filter((entry) => entry.method === 'GET' && entry.status !== 200)).toEqual([]);
  });
});
