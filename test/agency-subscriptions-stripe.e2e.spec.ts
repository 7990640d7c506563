import type { Actor } from '@escrow/domain';
import { StripeWebhookInbox, createStripeClient } from '@escrow/payments';
import { nowSeconds, signedDelivery } from '../libs/payments/src/webhooks/testing/stripe-event.fixture';
import { eventually, withApp } from './support/app';
import { subscribedAgency as subscribedAgencyOf } from './support/agency';
import { describeEachDatabase } from './support/databases';
import { expectRefusedWithoutWrites, freshEmployer, freshTrainer, validHire } from './support/api-checks';
import { startStripeTestServer, type StripeEvent, type StripeTestServer } from './stripe-server';

const webhookSecret = 'whsec_escrowLedgerAgencyPlans';
const support: Actor = { role: 'support', id: 'sup_1' };

/** Agency plans on the Stripe adapter: the real SDK's subscriptions.create against the Stripe-compatible test server. */
describeEachDatabase('agency plans through Stripe Billing (adapter)', (target) => {
  let stripe: StripeTestServer;

  beforeAll(async () => {
    stripe = await startStripeTestServer({ processingSettleMs: null });
  });
  const app = withApp(target, () => ({
    env: { STRIPE_SECRET_KEY: 'sk_test_escrowLedgerAgencyPlans', STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_BASE: stripe.url, STRIPE_TIMEOUT_MS: '5000' },
  }));
  beforeAll(() => {
    stripe.setWebhook({ url: `${app.api.baseUrl}/v1/webhooks/stripe`, secret: webhookSecret });
  });
  afterAll(async () => {
    await stripe.close();
  });

  const post = (path: string, as: Actor, body: unknown, key?: string) =>
    app.api.request('POST', path, { as, body, headers: key === undefined ? {} : { 'idempotency-key': key } });
  const subscriptionsOf = (customerId: string) =>
    stripe.events().filter((event) => event.type === 'customer.subscription.created' && (event.data.object as { customer?: string }).customer === customerId);

  it('an agency is refused funding until it subscribes; the subscription is created once at Stripe, even when retried', async () => {
    const employer = freshEmployer();
    const attached = await post(`/v1/employers/${employer.id}/payment-method`, employer, { paymentMethodId: 'pm_card_visa' });
    expect(attached.status).toBe(200);
    expect((await post(`/v1/employers/${employer.id}/account-type`, support, { accountType: 'agency' })).status).toBe(200);
    const hired = await post('/v1/contracts', employer, validHire(freshTrainer().id));
    const { contractId, milestoneId } = hired.body as { contractId: string; milestoneId: string };
    const fund = () => post(`/v1/contracts/${contractId}/milestones/${milestoneId}/fund`, employer, {});
    await expectRefusedWithoutWrites(app.db, app.store, fund, 422, 'agency account without an active subscription plan');

    const subscribed = await post(`/v1/employers/${employer.id}/subscription`, employer, { planId: 'agency_pro' }, 'stripe-sub-1');
    expect(subscribed.status).toBe(201);
    expect(subscribed.body.subscription).toMatchObject({
      planId: 'agency_pro', monthlyPrice: '299.00', status: 'active', active: true,
      subscriptionId: expect.stringMatching(/^sub_/), providerInvoiceId: expect.stringMatching(/^in_/),
    });
    const replayed = await post(`/v1/employers/${employer.id}/subscription`, employer, { planId: 'agency_pro' }, 'stripe-sub-1');
    expect(replayed.body).toEqual(subscribed.body);
    const [created, ...more] = subscriptionsOf(attached.body.customerId);
    expect(more).toEqual([]);
    expect(created!.data.object).toMatchObject({
      id: subscribed.body.subscription.subscriptionId,
      default_payment_method: attached.body.paymentMethodId,
      metadata: { employerId: employer.id, planId: 'agency_pro' },
      items: { data: [{ price: { id: 'price_agency_pro_monthly' } }] },
    });
    expect((await fund()).status).toBe(202);
  });

  describe('after it starts: Stripe webhooks and the employer cancel', () => {
    let inbox: StripeWebhookInbox;
    beforeAll(() => {
      inbox = new StripeWebhookInbox(app.db);
    });
    const cancel = (employer: Actor, key?: string) =>
      app.api.request('DELETE', `/v1/employers/${employer.id}/subscription`, { as: employer, headers: key === undefined ? {} : { 'idempotency-key': key } });
    const readSubscription = async (employer: Actor) => (await app.api.request('GET', `/v1/employers/${employer.id}/subscription`, { as: employer })).body;
    const subscriptionEvents = async (employerId: string) =>
      (await app.store.readStream(`employer-${employerId}`)).filter((event) => event.type.startsWith('EmployerSubscription'));
    const eventOf = (type: string, subscriptionId: string): StripeEvent | undefined =>
      stripe.events().find((event) => event.type === type && (event.data.object as { id?: string }).id === subscriptionId);

    async function subscribedAgency() {
      const { employer, subscription, fund } = await subscribedAgencyOf(app.api, support);
      return { employer, subscriptionId: subscription.subscriptionId, fund };
    }

    /** Waits until the webhook processor has handled a Stripe event the app received. */
    const handled = (eventId: string) =>
      eventually(async () => {
        const row = await inbox.get(eventId);
        return row !== null && row.status !== 'pending' ? row : undefined;
      }, `Stripe event ${eventId} to be handled`);

    /**
     * customer.subscription.updated as Stripe would send it: the test server's own subscription
     * object (from its created event, with our metadata) with what changed, signed with the endpoint's secret.
     */
    async function deliverUpdate(subscriptionId: string, change: Record<string, unknown>, createdSeconds: number) {
      const created = eventOf('customer.subscription.created', subscriptionId);
      if (created === undefined) throw new Error(`the test server made no subscription ${subscriptionId}`);
      const event = { ...created, id: `evt_upd_${createdSeconds}_${subscriptionId}`, type: 'customer.subscription.updated', created: createdSeconds,
        data: { object: { ...created.data.object, ...change }, previous_attributes: { status: 'active' } } };
      const body = JSON.stringify(event);
      const response = await app.api.request('POST', '/v1/webhooks/stripe', {
        body, headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signedDelivery(body, webhookSecret).signature },
      });
      expect(response.status).toBe(200);
      return handled(event.id);
    }

    it('past_due from a signed webhook refuses funding (422); back to active funds; an older update and a redelivery record nothing', async () => {
      const { employer, subscriptionId, fund } = await subscribedAgency();
      const now = nowSeconds();
      expect(await deliverUpdate(subscriptionId, { status: 'past_due', latest_invoice: 'in_retrying' }, now - 60)).toMatchObject({ status: 'processed', outcome: 'RecordSubscriptionUpdate: 1 event(s) appended' });
      const refused = await expectRefusedWithoutWrites(app.db, app.store, fund, 422, `employer ${employer.id} is an agency account without an active subscription plan`);
      expect(refused.body.code).toBe('agency_subscription_required');

      expect(await deliverUpdate(subscriptionId, { status: 'active', latest_invoice: 'in_paid' }, now)).toMatchObject({ outcome: 'RecordSubscriptionUpdate: 1 event(s) appended' });
      const recorded = await subscriptionEvents(employer.id);
      // Sent by Stripe between the two, delivered after both: stale.
      expect(await deliverUpdate(subscriptionId, { status: 'unpaid' }, now - 30)).toMatchObject({ outcome: 'RecordSubscriptionUpdate: already recorded, nothing new' });
      // Stripe redelivering the last one (same event id): acknowledged as a duplicate, applied once.
      const last = await inbox.get(`evt_upd_${now}_${subscriptionId}`);
      const body = JSON.stringify(last!.payload);
      const redelivered = await app.api.request('POST', '/v1/webhooks/stripe', {
        body, headers: { 'content-type': 'application/json; charset=utf-8', 'stripe-signature': signedDelivery(body, webhookSecret).signature },
      });
      expect(redelivered.body).toEqual({ received: true, duplicate: true });
      expect(await subscriptionEvents(employer.id)).toEqual(recorded);
      expect(recorded.map((event) => event.type)).toEqual(['EmployerSubscriptionStarted', 'EmployerSubscriptionUpdated', 'EmployerSubscriptionUpdated']);
      expect(await readSubscription(employer)).toMatchObject({ mayFund: true, subscription: { status: 'active', providerInvoiceId: 'in_paid' } });
      expect((await fund()).status).toBe(202);
    });

    it('a subscription canceled at Stripe (customer.subscription.deleted, delivered by the server) cancels it here', async () => {
      const { employer, subscriptionId, fund } = await subscribedAgency();
      const client = createStripeClient({ secretKey: 'sk_test_escrowLedgerAgencyPlans', apiBase: new URL(stripe.url), timeoutMs: 5_000 });
      const canceledAtStripe = await client.subscriptions.cancel(subscriptionId);
      const deleted = eventOf('customer.subscription.deleted', subscriptionId);
      expect(await handled(deleted!.id)).toMatchObject({ status: 'processed', outcome: 'RecordSubscriptionCanceled: 1 event(s) appended' });
      expect(await readSubscription(employer)).toMatchObject({
        mayFund: false,
        subscription: { subscriptionId, status: 'canceled', active: false, canceledAt: new Date(canceledAtStripe.canceled_at! * 1000).toISOString(), canceledBy: 'provider' },
      });
      expect((await expectRefusedWithoutWrites(app.db, app.store, fund, 422, 'without an active subscription plan')).body.code).toBe('agency_subscription_required');
      // The employer canceling afterwards: the state on file, no second cancel at Stripe.
      const repeated = await cancel(employer);
      expect(repeated.status).toBe(200);
      expect(repeated.body).toMatchObject({ position: null, subscription: { status: 'canceled', canceledBy: 'provider' } });
    });

    it('the employer cancels with DELETE (Stripe cancels, its webhook then records nothing more); a repeat answers the same; subscribing again is a new subscription', async () => {
      const { employer, subscriptionId, fund } = await subscribedAgency();
      // Held back so that the order is known: the employer's record first, Stripe's webhook after it.
      stripe.setWebhook(null);
      const canceled = await cancel(employer, 'stripe-cancel-1');
      await stripe.webhooksIdle();
      stripe.setWebhook({ url: `${app.api.baseUrl}/v1/webhooks/stripe`, secret: webhookSecret });
      expect(canceled.status).toBe(200);
      const deleted = eventOf('customer.subscription.deleted', subscriptionId);
      const canceledAt = new Date((deleted!.data.object as { canceled_at: number }).canceled_at * 1000).toISOString();
      expect(canceled.body).toMatchObject({ mayFund: false, subscription: { subscriptionId, status: 'canceled', active: false, canceledAt, canceledBy: 'employer' } });
      expect(await stripe.deliver(deleted!.id)).toBe(200);
      expect(await handled(deleted!.id)).toMatchObject({ status: 'processed', outcome: 'RecordSubscriptionCanceled: already recorded, nothing new' });

      const replayed = await cancel(employer, 'stripe-cancel-1');
      expect(replayed.body).toEqual(canceled.body);
      const repeated = await cancel(employer);
      expect(repeated.status).toBe(200);
      expect(repeated.body).toEqual({ ...canceled.body, position: null });
      const cancels = stripe.requests().filter((request) => request.method === 'DELETE' && request.path === `/v1/subscriptions/${subscriptionId}`);
      expect(cancels.map((request) => request.status)).toEqual([200]);
      expect((await subscriptionEvents(employer.id)).map((event) => [event.type, (event.data as { by?: string }).by])).toEqual([
        ['EmployerSubscriptionStarted', undefined], ['EmployerSubscriptionCanceled', 'employer'],
      ]);

      const again = await post(`/v1/employers/${employer.id}/subscription`, employer, { planId: 'agency_basic' });
      expect(again.status).toBe(201);
      expect(again.body.subscription).toMatchObject({ status: 'active', active: true, canceledAt: null });
      expect(again.body.subscription.subscriptionId).not.toBe(subscriptionId);
      expect(eventOf('customer.subscription.created', again.body.subscription.subscriptionId)).toBeDefined();
      expect((await fund()).status).toBe(202);
    });
  });
});
