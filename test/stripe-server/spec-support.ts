import Stripe from 'stripe';
import { startStripeTestServer } from './server';
import type { StripeTestServer, StripeTestServerOptions } from './types';

/** A server plus an SDK client pointed at it (no automatic retries unless asked). */
export async function startWithClient(options: StripeTestServerOptions = {},
  clientConfig: Stripe.StripeConfig = {}): Promise<{ server: StripeTestServer; stripe: Stripe }> {
  const server = await startStripeTestServer(options);
  const stripe = new Stripe('sk_test_spec', { host: '127.0.0.1', port: server.port, protocol: 'http',
    maxNetworkRetries: 0, ...clientConfig });
  return { server, stripe };
}

/** A customer with an attached clone of `token`. */
export async function customerWith(stripe: Stripe, token: string): Promise<{ customer: string; paymentMethod: string }> {
  const customer = await stripe.customers.create({ email: 'payer@example.com' });
  const paymentMethod = await stripe.paymentMethods.attach(token, { customer: customer.id });
  return { customer: customer.id, paymentMethod: paymentMethod.id };
}

/** A confirmed, succeeded off-session payment; returns its payment intent and charge ids. */
export async function paidCharge(stripe: Stripe, amount: number, extra: Partial<Stripe.PaymentIntentCreateParams> = {}):
  Promise<{ paymentIntent: string; charge: string; customer: string }> {
  const { customer, paymentMethod } = await customerWith(stripe, 'pm_card_visa');
  const intent = await stripe.paymentIntents.create({ amount, currency: 'usd', customer, payment_method: paymentMethod,
    off_session: true, confirm: true, ...extra });
  if (typeof intent.latest_charge !== 'string') throw new Error('expected a charge id');
  return { paymentIntent: intent.id, charge: intent.latest_charge, customer };
}

export async function onboardedAccount(server: StripeTestServer, stripe: Stripe): Promise<string> {
  const account = await stripe.accounts.create({ type: 'express', country: 'US',
    capabilities: { transfers: { requested: true } } });
  server.completeOnboarding(account.id);
  return account.id;
}

/** The thrown error of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Stripe.errors.StripeError> {
  try {
    await promise;
  } catch (error) {
    if (error instanceof Stripe.errors.StripeError) return error;
    throw error;
  }
  throw new Error('expected the request to fail');
}
