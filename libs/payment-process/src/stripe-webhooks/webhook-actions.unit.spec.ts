import type Stripe from 'stripe';
import { webhookAction, webhookActor } from './webhook-actions';

const lookups = { paymentOwner: async () => null };
const created = 1_796_000_000;

function subscriptionEvent(type: string, object: Record<string, unknown>): Stripe.Event {
  const subscription = {
    id: 'sub_1', object: 'subscription', status: 'past_due', metadata: { employerId: 'emp_1', planId: 'agency_basic' },
    items: { object: 'list', data: [{ id: 'si_1', current_period_end: 1_798_000_000 }, { id: 'si_2', current_period_end: 1_797_000_000 }] },
    latest_invoice: { id: 'in_2', object: 'invoice' }, canceled_at: null, ended_at: null, ...object,
  };
  // A literal cannot name its member of the SDK's Event union.
  return { id: 'evt_1', object: 'event', type, created, data: { object: subscription } } as unknown as Stripe.Event;
}

describe('Stripe subscription webhooks → employer commands', () => {
  it("maps customer.subscription.updated to the employer's update, timed by the event (not its delivery)", async () => {
    expect(await webhookAction(subscriptionEvent('customer.subscription.updated', {}), lookups)).toEqual({
      kind: 'employer',
      employerId: 'emp_1',
      command: {
        type: 'RecordSubscriptionUpdate',
        actor: webhookActor,
        data: {
          employerId: 'emp_1', subscriptionId: 'sub_1', status: 'past_due', latestInvoiceId: 'in_2',
          currentPeriodEnd: new Date(1_797_000_000_000).toISOString(), providerEventAt: new Date(created * 1000).toISOString(),
        },
      },
    });
  });

  it("maps customer.subscription.deleted to the provider's cancel at the subscription's canceled_at", async () => {
    const event = subscriptionEvent('customer.subscription.deleted', { status: 'canceled', canceled_at: created - 10, ended_at: created - 10 });
    expect(await webhookAction(event, lookups)).toEqual({
      kind: 'employer',
      employerId: 'emp_1',
      command: { type: 'RecordSubscriptionCanceled', actor: webhookActor, data: { employerId: 'emp_1', subscriptionId: 'sub_1', canceledAt: new Date((created - 10) * 1000).toISOString() } },
    });
  });

  it.each(['customer.subscription.updated', 'customer.subscription.deleted'])('ignores %s of a subscription that names no employer of ours', async (type) => {
    expect(await webhookAction(subscriptionEvent(type, { metadata: {} }), lookups)).toEqual({
      kind: 'ignore',
      reason: 'subscription sub_1 names no employer of ours (no metadata.employerId)',
    });
  });

  it('asks support to look at a subscription it cannot read (a status this version does not know), rather than retrying it', async () => {
    expect(await webhookAction(subscriptionEvent('customer.subscription.updated', { status: 'frozen' }), lookups)).toEqual({
      kind: 'attention',
      reason: 'customer.subscription.updated sub_1: unknown subscription status frozen',
    });
  });
});
