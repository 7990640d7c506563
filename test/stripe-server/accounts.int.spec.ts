import type Stripe from 'stripe';
import { rejectionOf, startWithClient } from './spec-support';
import type { StripeTestServer } from './types';

describe('Connect accounts and their country', () => {
  let server: StripeTestServer;
  let stripe: Stripe;

  beforeEach(async () => ({ server, stripe } = await startWithClient()));
  afterEach(() => server.close());

  const express = { type: 'express', capabilities: { transfers: { requested: true } } } as const;

  it('opens the account in the country asked for and echoes it, on create and retrieve', async () => {
    const account = await stripe.accounts.create({ ...express, country: 'DE' });
    expect(account.country).toBe('DE');
    expect((await stripe.accounts.retrieve(account.id)).country).toBe('DE');
    expect((await stripe.accounts.create({ ...express, country: 'gb' })).country).toBe('GB');
  });

  it("defaults to the platform's country (US) when none is given", async () => {
    expect((await stripe.accounts.create({ ...express })).country).toBe('US');
  });

  it.each([['USA'], ['U'], ['1A']])('refuses the country %j, naming the parameter', async (country) => {
    const error = await rejectionOf(stripe.accounts.create({ ...express, country }));
    expect([error.statusCode, error.type, error.param]).toEqual([400, 'StripeInvalidRequestError', 'country']);
    expect(error.message).toContain(`Country '${country}' is unknown`);
  });

  it('refuses an empty country as a parameter that cannot be unset', async () => {
    const error = await rejectionOf(stripe.accounts.create({ ...express, country: '' }));
    expect([error.statusCode, error.param]).toEqual([400, 'country']);
  });
});
