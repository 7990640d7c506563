import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type Stripe from 'stripe';
import { shapeDifferences } from './shape-compare';
import { customerWith, onboardedAccount, paidCharge, startWithClient } from './spec-support';
import type { StripeTestServer } from './types';

type Resources = Record<string, Record<string, unknown>>;
const stripeExamples = (JSON.parse(readFileSync(join(__dirname, 'fixtures', 'stripe-resources.json'), 'utf8')) as
  { resources: Resources }).resources;

/** Plain JSON of what the SDK returned (drops the SDK's own non-JSON helpers such as lastResponse). */
function asJson(value: unknown): unknown {
  return JSON.parse(JSON.stringify(value));
}

function example(resource: string): Record<string, unknown> {
  const found = stripeExamples[resource];
  if (found === undefined) throw new Error(`no Stripe example for ${resource}`);
  return found;
}

/** Every object this server returns, fetched through the SDK. */
async function collectObjects(server: StripeTestServer, stripe: Stripe): Promise<Record<string, unknown>> {
  const paid = await paidCharge(stripe, 2500, { metadata: { order: 'o-1' }, transfer_group: 'group-1' });
  const { customer, paymentMethod } = await customerWith(stripe, 'pm_card_mastercard');
  const setupIntent = await stripe.setupIntents.create({ customer, usage: 'off_session' });
  const account = await stripe.accounts.create({ type: 'express', country: 'US',
    capabilities: { card_payments: { requested: true }, transfers: { requested: true } } });
  const destination = await onboardedAccount(server, stripe);
  const transfer = await stripe.transfers.create({ amount: 1000, currency: 'usd', destination,
    source_transaction: paid.charge, transfer_group: 'group-1' });
  const reversal = await stripe.transfers.createReversal(transfer.id, { amount: 400 });
  const refund = await stripe.refunds.create({ payment_intent: paid.paymentIntent, amount: 500 });
  const disputeId = server.createDispute(paid.charge);
  const accountLink = await stripe.accountLinks.create({ account: account.id, type: 'account_onboarding',
    refresh_url: 'https://example.com/refresh', return_url: 'https://example.com/return' });
  return {
    customer: await stripe.customers.retrieve(customer), payment_method: await stripe.paymentMethods.retrieve(paymentMethod),
    setup_intent: await stripe.setupIntents.retrieve(setupIntent.id),
    payment_intent: await stripe.paymentIntents.retrieve(paid.paymentIntent),
    charge: await stripe.charges.retrieve(paid.charge), transfer: await stripe.transfers.retrieve(transfer.id),
    transfer_reversal: await stripe.transfers.retrieveReversal(transfer.id, reversal.id),
    refund: await stripe.refunds.retrieve(refund.id), account: await stripe.accounts.retrieve(account.id),
    account_link: accountLink, balance: await stripe.balance.retrieve(),
    dispute: await stripe.disputes.retrieve(disputeId),
  };
}

describe('object shapes match Stripe\'s published examples', () => {
  let server: StripeTestServer;
  let stripe: Stripe;
  let objects: Record<string, unknown>;

  beforeAll(async () => {
    ({ server, stripe } = await startWithClient());
    objects = await collectObjects(server, stripe);
  });
  afterAll(() => server.close());

  it('has the same keys and JSON types as each resource example', () => {
    const differences = Object.entries(objects)
      .flatMap(([resource, object]) => shapeDifferences(asJson(object), example(resource), resource));
    expect(Object.keys(objects)).toHaveLength(13 - 1); // every example but `event`, which the next test covers
    expect(differences).toEqual([]);
  });

  it('wraps events like Stripe and puts the resource\'s own shape in data.object', async () => {
    const events = (await stripe.events.list({ limit: 100 })).data.map(asJson) as Record<string, unknown>[];
    const { data: _exampleData, ...exampleEnvelope } = example('event');
    const differences: string[] = [];
    for (const event of events) {
      const { data, ...envelope } = event as { data: { object: { object: string } } };
      const label = `event(${String(event['type'])})`;
      differences.push(...shapeDifferences(envelope, exampleEnvelope, label));
      differences.push(...shapeDifferences(data.object, example(data.object.object), `${label}.data.object`));
    }
    expect(new Set(events.map((event) => event['type']))).toEqual(new Set(['customer.created',
      'payment_method.attached', 'payment_intent.created', 'charge.succeeded', 'payment_intent.succeeded',
      'setup_intent.created', 'account.updated', 'transfer.created', 'transfer.reversed', 'charge.refunded',
      'refund.created', 'charge.dispute.created']));
    expect(differences).toEqual([]);
  });
});
