import type Stripe from 'stripe';
import { onboardedAccount, paidCharge, rejectionOf, startWithClient } from './spec-support';
import type { StripeTestServer } from './types';

describe('transfers, refunds, ledger and balance', () => {
  let server: StripeTestServer;
  let stripe: Stripe;

  beforeEach(async () => ({ server, stripe } = await startWithClient()));
  afterEach(() => server.close());

  it('refuses transfers to unknown or not-onboarded destinations', async () => {
    const missing = await rejectionOf(stripe.transfers.create({ amount: 100, currency: 'usd', destination: 'acct_x' }));
    expect([missing.statusCode, missing.code, missing.param, missing.message])
      .toEqual([400, 'resource_missing', 'destination', "No such destination: 'acct_x'"]);
    const fresh = await stripe.accounts.create({ type: 'express', capabilities: { transfers: { requested: true } } });
    expect([fresh.payouts_enabled, fresh.capabilities?.transfers]).toEqual([false, 'inactive']);
    const inactive = await rejectionOf(stripe.transfers.create({ amount: 100, currency: 'usd', destination: fresh.id }));
    expect([inactive.statusCode, inactive.type]).toEqual([400, 'StripeInvalidRequestError']);
  });

  it('limits transfers funded by one charge to that charge\'s amount', async () => {
    const { charge } = await paidCharge(stripe, 1000);
    const destination = await onboardedAccount(server, stripe);
    await stripe.transfers.create({ amount: 600, currency: 'usd', destination, source_transaction: charge });
    await stripe.transfers.create({ amount: 400, currency: 'usd', destination, source_transaction: charge });
    const over = await rejectionOf(stripe.transfers.create({ amount: 1, currency: 'usd', destination, source_transaction: charge }));
    expect([over.statusCode, over.code]).toEqual([400, 'insufficient_funds']);
    const unknown = await rejectionOf(stripe.transfers.create({ amount: 1, currency: 'usd', destination, source_transaction: 'ch_nope' }));
    expect(unknown.param).toBe('source_transaction');
    expect(server.ledger().transfers.map((transfer) => transfer.amount)).toEqual([600, 400]);
  });

  it('limits refunds to the unrefunded amount, and refunds even after money was transferred out', async () => {
    const { paymentIntent, charge } = await paidCharge(stripe, 1000);
    const destination = await onboardedAccount(server, stripe);
    await stripe.transfers.create({ amount: 1000, currency: 'usd', destination, source_transaction: charge });
    await stripe.refunds.create({ payment_intent: paymentIntent, amount: 300 });
    const over = await rejectionOf(stripe.refunds.create({ charge, amount: 701 }));
    expect([over.statusCode, over.param, over.message])
      .toEqual([400, 'amount', 'Refund amount ($7.01) is greater than unrefunded amount on charge ($7.00)']);
    await stripe.refunds.create({ charge });
    const refreshed = await stripe.charges.retrieve(charge);
    expect([refreshed.amount_refunded, refreshed.refunded]).toEqual([1000, true]);
    expect(server.events().filter((event) => event.type === 'charge.refunded')).toHaveLength(2);
  });

  it('keeps a ledger of real money movements and a balance that follows it', async () => {
    const first = await paidCharge(stripe, 5000, { transfer_group: 'g-1', metadata: { milestone: 'm-1' } });
    const second = await paidCharge(stripe, 2000);
    const destination = await onboardedAccount(server, stripe);
    const transfer = await stripe.transfers.create({ amount: 3000, currency: 'usd', destination,
      source_transaction: first.charge, transfer_group: 'g-1' });
    server.reverseTransfer(transfer.id, 1000);
    await stripe.refunds.create({ payment_intent: second.paymentIntent, amount: 500 });
    const dispute = server.createDispute(first.charge, 700);
    server.closeDispute(dispute, 'lost');

    const ledger = server.ledger();
    expect(ledger.charges.map(({ amount, amountRefunded, status }) => [amount, amountRefunded, status]))
      .toEqual([[5000, 0, 'succeeded'], [2000, 500, 'succeeded']]);
    expect(ledger.charges[0]?.metadata).toEqual({ milestone: 'm-1' });
    expect(ledger.charges[0]?.transferGroup).toBe('g-1');
    expect(ledger.transfers).toEqual([expect.objectContaining({ amount: 3000, amountReversed: 1000, destination,
      sourceTransaction: first.charge, transferGroup: 'g-1' })]);
    expect(ledger.refunds).toEqual([expect.objectContaining({ amount: 500, charge: second.charge, status: 'succeeded' })]);
    const balance = await stripe.balance.retrieve();
    expect(balance.available[0]?.amount).toBe(5000 + 2000 - 3000 + 1000 - 500 - 700);
  });

  it('tamper alters a stored record without any event', async () => {
    const { charge } = await paidCharge(stripe, 1000);
    const eventCount = server.events().length;
    server.tamper('charge', charge, { amount: 999, status: 'failed' });
    expect(server.ledger().charges[0]).toEqual(expect.objectContaining({ amount: 999, status: 'failed' }));
    expect(server.events()).toHaveLength(eventCount);
  });
});
