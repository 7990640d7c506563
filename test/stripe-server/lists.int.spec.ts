import type Stripe from 'stripe';
import { customerWith, onboardedAccount, paidCharge, startWithClient } from './spec-support';
import type { StripeTestServer } from './types';

describe('lists, filters, pagination and search', () => {
  let server: StripeTestServer;
  let stripe: Stripe;
  let nowMs = Date.UTC(2026, 10, 1);

  beforeEach(async () => ({ server, stripe } = await startWithClient({ now: () => nowMs })));
  afterEach(() => server.close());

  it('lists newest first and pages with starting_after / ending_before', async () => {
    const { customer, paymentMethod } = await customerWith(stripe, 'pm_card_visa');
    const ids: string[] = [];
    for (let i = 0; i < 5; i += 1) {
      ids.push((await stripe.paymentIntents.create({ amount: 100 + i, currency: 'usd', customer, payment_method: paymentMethod })).id);
    }
    const newestFirst = [...ids].reverse();
    const page1 = await stripe.paymentIntents.list({ limit: 2, customer });
    expect([page1.data.map((intent) => intent.id), page1.has_more]).toEqual([newestFirst.slice(0, 2), true]);
    const page2 = await stripe.paymentIntents.list({ limit: 2, starting_after: page1.data[1]?.id });
    expect(page2.data.map((intent) => intent.id)).toEqual(newestFirst.slice(2, 4));
    const back = await stripe.paymentIntents.list({ limit: 2, ending_before: page2.data[0]?.id });
    expect(back.data.map((intent) => intent.id)).toEqual(newestFirst.slice(0, 2));
    const all: string[] = [];
    for await (const intent of stripe.paymentIntents.list({ limit: 2 })) all.push(intent.id);
    expect(all).toEqual(newestFirst);
  });

  it('filters by created range and by field', async () => {
    const early = await paidCharge(stripe, 100, { transfer_group: 'a' });
    nowMs += 3_600_000;
    const late = await paidCharge(stripe, 200, { transfer_group: 'b' });
    const cutoff = Math.floor(nowMs / 1000);
    const recent = await stripe.charges.list({ created: { gte: cutoff } });
    expect(recent.data.map((charge) => charge.id)).toEqual([late.charge]);
    const older = await stripe.paymentIntents.list({ created: { lt: cutoff } });
    expect(older.data.map((intent) => intent.id)).toEqual([early.paymentIntent]);
    expect((await stripe.charges.list({ transfer_group: 'a' })).data.map((charge) => charge.id)).toEqual([early.charge]);
    expect((await stripe.charges.list({ payment_intent: late.paymentIntent })).data).toHaveLength(1);
    const destination = await onboardedAccount(server, stripe);
    await stripe.transfers.create({ amount: 50, currency: 'usd', destination, transfer_group: 'b', source_transaction: late.charge });
    expect((await stripe.transfers.list({ transfer_group: 'b', destination })).data).toHaveLength(1);
    expect((await stripe.transfers.list({ transfer_group: 'a' })).data).toHaveLength(0);
    await stripe.refunds.create({ charge: early.charge, amount: 10 });
    expect((await stripe.refunds.list({ payment_intent: early.paymentIntent })).data).toHaveLength(1);
    expect((await stripe.refunds.list({ charge: late.charge })).data).toHaveLength(0);
    expect((await stripe.events.list({ type: 'charge.succeeded' })).data).toHaveLength(2);
  });

  it('searches payment intents by metadata terms joined by AND, with paging', async () => {
    const matching: string[] = [];
    for (let i = 0; i < 3; i += 1) {
      matching.push((await paidCharge(stripe, 100, { metadata: { contract: 'c-1', milestone: `m-${i}` } })).paymentIntent);
    }
    await paidCharge(stripe, 100, { metadata: { contract: 'c-2', milestone: 'm-0' } });
    const both = await stripe.paymentIntents.search({ query: "metadata['contract']:'c-1' AND metadata['milestone']:'m-1'" });
    expect([both.object, both.data.map((intent) => intent.id)]).toEqual(['search_result', [matching[1]]]);
    const first = await stripe.paymentIntents.search({ query: "metadata['contract']:'c-1'", limit: 2 });
    expect([first.data.length, first.has_more, typeof first.next_page]).toEqual([2, true, 'string']);
    const rest = await stripe.paymentIntents.search({ query: "metadata['contract']:'c-1'", limit: 2, page: first.next_page ?? '' });
    expect([...first.data, ...rest.data].map((intent) => intent.id).sort()).toEqual([...matching].sort());
    expect(rest.next_page).toBeNull();
  });
});
