import type Stripe from 'stripe';
import { customerWith, rejectionOf, startWithClient } from './spec-support';
import type { StripeTestServer } from './types';

describe('payment intents with Stripe\'s test payment methods', () => {
  let server: StripeTestServer;
  let stripe: Stripe;

  beforeEach(async () => ({ server, stripe } = await startWithClient()));
  afterEach(() => server.close());

  async function pay(token: string): Promise<Promise<Stripe.PaymentIntent>> {
    const { customer, paymentMethod } = await customerWith(stripe, token);
    return stripe.paymentIntents.create({ amount: 1234, currency: 'usd', customer, payment_method: paymentMethod,
      off_session: true, confirm: true });
  }

  it('attaching a test token makes a new pm_ clone owned by the customer', async () => {
    const { customer, paymentMethod } = await customerWith(stripe, 'pm_card_visa');
    expect(paymentMethod).toMatch(/^pm_[A-Za-z0-9]{24}$/);
    expect((await stripe.paymentMethods.retrieve(paymentMethod)).customer).toBe(customer);
    const other = await stripe.customers.create({});
    const error = await rejectionOf(stripe.paymentMethods.attach(paymentMethod, { customer: other.id }));
    expect(error.statusCode).toBe(400);
    const missing = await rejectionOf(stripe.paymentMethods.attach('pm_nope', { customer }));
    expect([missing.code, missing.param, missing.message]).toEqual(['resource_missing', 'payment_method', "No such PaymentMethod: 'pm_nope'"]);
  });

  it.each([
    ['pm_card_visa'], ['pm_card_mastercard'], ['pm_card_amex'],
  ])('%s succeeds with a charge', async (token) => {
    const intent = await pay(token);
    expect(intent.status).toBe('succeeded');
    expect(intent.amount_received).toBe(1234);
    const charge = await stripe.charges.retrieve(String(intent.latest_charge));
    expect([charge.status, charge.paid, charge.amount]).toEqual(['succeeded', true, 1234]);
  });

  it.each([
    ['pm_card_chargeDeclined', 'card_declined', 'generic_decline', 'Your card was declined.'],
    ['pm_card_chargeDeclinedInsufficientFunds', 'card_declined', 'insufficient_funds', 'Your card has insufficient funds.'],
    ['pm_card_chargeDeclinedExpiredCard', 'expired_card', 'expired_card', 'Your card has expired.'],
  ])('%s is declined with 402 %s/%s and a failed charge', async (token, code, declineCode, message) => {
    const error = await rejectionOf(pay(token));
    expect(error.statusCode).toBe(402);
    expect(error.type).toBe('StripeCardError');
    expect([error.code, error.decline_code, error.message]).toEqual([code, declineCode, message]);
    const intent = error.payment_intent;
    expect(intent?.status).toBe('requires_payment_method');
    expect(intent?.last_payment_error?.code).toBe(code);
    const charge = await stripe.charges.retrieve(String(error.charge));
    expect([charge.status, charge.failure_code]).toEqual(['failed', code]);
  });

  it('pm_card_authenticationRequired waits for the customer, then settles through the control', async () => {
    const intent = await pay('pm_card_authenticationRequired');
    expect(intent.status).toBe('requires_action');
    expect(intent.next_action?.type).toBe('use_stripe_sdk');
    expect(intent.latest_charge).toBeNull();
    server.settlePaymentIntent(intent.id, 'succeeded');
    expect((await stripe.paymentIntents.retrieve(intent.id)).status).toBe('succeeded');
  });

  it('a bank debit is processing until settled: success and closed account', async () => {
    const good = await pay('pm_usBankAccount_success');
    const closed = await pay('pm_usBankAccount_accountClosed');
    expect([good.status, closed.status]).toEqual(['processing', 'processing']);
    server.settlePaymentIntent(good.id, 'succeeded');
    server.settlePaymentIntent(closed.id, 'failed');
    expect((await stripe.paymentIntents.retrieve(good.id)).status).toBe('succeeded');
    expect((await stripe.paymentIntents.retrieve(closed.id)).status).toBe('requires_payment_method');
    const types = server.events().map((event) => event.type);
    expect(types).toEqual(expect.arrayContaining(['payment_intent.processing', 'payment_intent.payment_failed', 'charge.failed']));
  });

  it('settles bank debits on its own after processingSettleMs', async () => {
    await server.close();
    ({ server, stripe } = await startWithClient({ processingSettleMs: 50 }));
    const intent = await pay('pm_usBankAccount_success');
    await new Promise((resolve) => setTimeout(resolve, 200));
    expect((await stripe.paymentIntents.retrieve(intent.id)).status).toBe('succeeded');
  });

  it('refuses a payment method that is not attached to the customer', async () => {
    const { paymentMethod } = await customerWith(stripe, 'pm_card_visa');
    const stranger = await stripe.customers.create({});
    const error = await rejectionOf(stripe.paymentIntents.create({ amount: 100, currency: 'usd',
      customer: stranger.id, payment_method: paymentMethod, confirm: true }));
    expect([error.statusCode, error.param]).toEqual([400, 'payment_method']);
  });

  it('requires a test secret key', async () => {
    const error = await rejectionOf(stripe.customers.create({}, { apiKey: 'sk_live_nope' }));
    expect(error.statusCode).toBe(401);
    expect(error.message).toMatch(/^Invalid API Key provided/);
  });
});
