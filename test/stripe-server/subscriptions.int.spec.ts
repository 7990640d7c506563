import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Stripe from 'stripe';
import { shapeDifferences } from './shape-compare';
import { customerWith, startWithClient } from './spec-support';
import type { StripeTestServer } from './types';

const stripeExamples = (JSON.parse(readFileSync(join(__dirname, 'fixtures', 'stripe-resources.json'), 'utf8')) as
  { resources: Record<string, unknown> }).resources;
const asJson = (value: unknown): unknown => JSON.parse(JSON.stringify(value));
const priceId = 'price_agency_basic_monthly';

describe('Stripe-compatible test server: subscriptions (Stripe Billing)', () => {
  let server: StripeTestServer;
  let stripe: Stripe;

  beforeAll(async () => {
    ({ server, stripe } = await startWithClient());
  });
  afterAll(() => server.close());

  it("answers a subscription shaped like Stripe's example, active on a card that pays, period on the item", async () => {
    const { customer, paymentMethod } = await customerWith(stripe, 'pm_card_visa');
    const created = await stripe.subscriptions.create({ customer, items: [{ price: priceId }], default_payment_method: paymentMethod, metadata: { planId: 'agency_basic' } });
    expect(created).toMatchObject({ object: 'subscription', customer, status: 'active', default_payment_method: paymentMethod, metadata: { planId: 'agency_basic' } });
    expect(created.latest_invoice).toMatch(/^in_/);
    const [item] = created.items.data;
    expect(item).toMatchObject({ price: { id: priceId, unit_amount: 9_900, recurring: { interval: 'month' } }, quantity: 1 });
    expect(item!.current_period_end).toBeGreaterThan(item!.current_period_start);
    const retrieved = await stripe.subscriptions.retrieve(created.id);
    expect(shapeDifferences(asJson(retrieved), stripeExamples['subscription'], 'subscription')).toEqual([]);
    expect(shapeDifferences(asJson(item!.price), stripeExamples['price'], 'price')).toEqual([]);
  });

  it('leaves a subscription on a declining card incomplete', async () => {
    const { customer, paymentMethod } = await customerWith(stripe, 'pm_card_chargeDeclined');
    const created = await stripe.subscriptions.create({ customer, items: [{ price: priceId }], default_payment_method: paymentMethod });
    expect(created.status).toBe('incomplete');
  });

  it('refuses what Stripe refuses: unknown customer or price, no payment method, a method of another customer, unknown parameters', async () => {
    const { customer, paymentMethod } = await customerWith(stripe, 'pm_card_visa');
    const other = await customerWith(stripe, 'pm_card_visa');
    const refusal = (params: Record<string, unknown>) => stripe.subscriptions.create(params as unknown as Stripe.SubscriptionCreateParams).then(
      () => { throw new Error('expected a refusal'); }, (error: { statusCode: number; param?: string; code?: string }) => error);
    expect(await refusal({ customer: 'cus_missing', items: [{ price: priceId }] })).toMatchObject({ statusCode: 400, param: 'customer', code: 'resource_missing' });
    expect(await refusal({ customer, items: [{ price: 'price_missing' }], default_payment_method: paymentMethod }))
      .toMatchObject({ statusCode: 400, param: 'items[0][price]', code: 'resource_missing' });
    expect(await refusal({ customer, items: [{ price: priceId }] })).toMatchObject({ statusCode: 400, code: 'resource_missing' });
    expect(await refusal({ customer, items: [{ price: priceId }], default_payment_method: other.paymentMethod }))
      .toMatchObject({ statusCode: 400, param: 'default_payment_method' });
    expect(await refusal({ customer, items: [{ price: priceId }], default_payment_method: paymentMethod, colour: 'red' })).toMatchObject({ statusCode: 400 });
    expect(await refusal({ customer, items: [{ price: priceId }], default_payment_method: paymentMethod, trial_period_days: 7 })).toMatchObject({ statusCode: 400 });
  });

  it('answers a repeated request under one Idempotency-Key with the same subscription', async () => {
    const { customer, paymentMethod } = await customerWith(stripe, 'pm_card_visa');
    const params = { customer, items: [{ price: priceId }], default_payment_method: paymentMethod };
    const first = await stripe.subscriptions.create(params, { idempotencyKey: 'sub-once' });
    const again = await stripe.subscriptions.create(params, { idempotencyKey: 'sub-once' });
    expect(again.id).toBe(first.id);
  });

  it('cancels at once with DELETE, tells the endpoint, and answers a second cancel as Stripe does: no such subscription', async () => {
    const { customer, paymentMethod } = await customerWith(stripe, 'pm_card_visa');
    const created = await stripe.subscriptions.create({ customer, items: [{ price: priceId }], default_payment_method: paymentMethod, metadata: { employerId: 'emp_1' } });
    const canceled = await stripe.subscriptions.cancel(created.id);
    expect(canceled).toMatchObject({ id: created.id, status: 'canceled', canceled_at: expect.any(Number), ended_at: expect.any(Number),
      cancellation_details: { reason: 'cancellation_requested' }, metadata: { employerId: 'emp_1' } });
    const deleted = server.events().filter((event) => event.type === 'customer.subscription.deleted' && (event.data.object as { id: string }).id === created.id);
    expect(deleted).toHaveLength(1);
    expect(deleted[0]!.data.object).toMatchObject({ id: created.id, status: 'canceled', canceled_at: canceled.canceled_at });
    const again = await stripe.subscriptions.cancel(created.id).then(
      () => { throw new Error('expected a refusal'); }, (error: { statusCode: number; code?: string; message: string }) => error);
    expect(again).toMatchObject({ statusCode: 404, code: 'resource_missing', message: `No such subscription: '${created.id}'` });
    expect(await stripe.subscriptions.retrieve(created.id)).toMatchObject({ status: 'canceled', canceled_at: canceled.canceled_at });
    expect(shapeDifferences(asJson(canceled), stripeExamples['subscription'], 'subscription')).toEqual([]);
  });

  it('refuses to cancel an unknown subscription, and parameters this server does not model', async () => {
    await expect(stripe.subscriptions.cancel('sub_missing')).rejects.toMatchObject({ statusCode: 404, code: 'resource_missing' });
    const { customer, paymentMethod } = await customerWith(stripe, 'pm_card_visa');
    const created = await stripe.subscriptions.create({ customer, items: [{ price: priceId }], default_payment_method: paymentMethod });
    await expect(stripe.subscriptions.cancel(created.id, { prorate: true })).rejects.toMatchObject({ statusCode: 400 });
    expect((await stripe.subscriptions.retrieve(created.id)).status).toBe('active');
  });
});
