import type { Actor } from '@escrow/domain';
import { withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { expectRefusedWithoutWrites, freshEmployer, freshTrainer, validHire } from './support/api-checks';
import { startStripeTestServer, type StripeTestServer } from './stripe-server';

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
});
