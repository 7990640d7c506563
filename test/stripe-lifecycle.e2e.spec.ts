import type { Actor } from '@escrow/domain';
import Stripe from 'stripe';
import { eventually, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, trainer } from './support/lifecycle';
import { startStripeTestServer, type StripeTestServer } from './stripe-server';

const webhookSecret = 'whsec_escrowLedgerStripeLifecycleSpec';

/**
 * The whole product flow on the Stripe adapter: the real SDK against the Stripe-compatible test
 * server, whose signed webhooks come back to our webhook route, as Stripe's would.
 */
describeEachDatabase('milestones paid through Stripe (adapter, webhooks, Connect onboarding)', (target) => {
  let stripe: StripeTestServer;

  beforeAll(async () => {
    stripe = await startStripeTestServer({ processingSettleMs: null });
  });
  const app = withApp(target, () => ({
    env: { STRIPE_SECRET_KEY: 'sk_test_escrowLedgerLifecycle', STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_BASE: stripe.url, STRIPE_TIMEOUT_MS: '5000' },
  }));
  beforeAll(() => {
    stripe.setWebhook({ url: `${app.api.baseUrl}/v1/webhooks/stripe`, secret: webhookSecret });
  });
  afterAll(async () => {
    await stripe.close();
  });

  const contractEvents = async (contractId: string) =>
    (await app.api.request('GET', `/v1/contracts/${contractId}/events`, { as: employer })).body.events as { type: string; data: any; position: string }[];

  it('charges once, waits for Connect onboarding, then transfers once from the funding charge', async () => {
    const steps = lifecycle(app.api);
    const setup = await app.api.request('POST', `/v1/employers/${employer.id}/setup-intent`, { as: employer, body: {} });
    expect(setup.status).toBe(200);
    expect(setup.body).toMatchObject({ customerId: expect.stringMatching(/^cus_/), clientSecret: expect.stringMatching(/^seti_.+_secret_/) });
    const attached = await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_card_visa' } });
    expect(attached.status).toBe(200);
    expect(attached.body.customerId).toBe(setup.body.customerId);
    expect(attached.body.paymentMethodId).toMatch(/^pm_(?!card_visa)/);

    const connected = await app.api.request('POST', `/v1/trainers/${trainer.id}/payout-account`, { as: trainer, body: {} });
    expect(connected.status).toBe(200);
    expect(connected.body).toMatchObject({ accountId: expect.stringMatching(/^acct_/), payoutsEnabled: false, onboardingUrl: expect.stringMatching(/^http/) });

    const { contractId, milestoneId } = await steps.hire('150.00');
    await steps.fund(contractId, milestoneId);
    const funded = await steps.milestoneReaches(contractId, milestoneId, 'funded');
    await steps.requestApproval(contractId, milestoneId);
    await steps.approve(contractId, milestoneId);
    // No transfer while Stripe has not enabled payouts: the payout waits.
    await eventually(async () => ((await contractEvents(contractId)).some((e) => e.type === 'MilestonePayoutFailed') ? true : undefined), 'the payout to wait');
    expect(stripe.ledger().transfers).toHaveLength(0);

    stripe.completeOnboarding(connected.body.accountId);
    await steps.milestoneReaches(contractId, milestoneId, 'paid');

    const { charges, transfers } = stripe.ledger();
    const milestoneCharges = charges.filter((c) => c.metadata.milestoneId === milestoneId && c.status === 'succeeded');
    expect(milestoneCharges).toHaveLength(1);
    expect(milestoneCharges[0]).toMatchObject({ amount: 15_000, paymentIntentId: funded.paymentReference, transferGroup: `milestone_${milestoneId}` });
    expect(transfers).toEqual([
      expect.objectContaining({ amount: 15_000, destination: connected.body.accountId, sourceTransaction: milestoneCharges[0]!.id, transferGroup: `milestone_${milestoneId}` }),
    ]);
    const trainerEvents = await app.api.request('GET', `/v1/contracts/${contractId}/events`, { as: trainer });
    expect(trainerEvents.status).toBe(200);
  });

  it('records a bank debit that is still processing, then its outcome from the webhook', async () => {
    const steps = lifecycle(app.api);
    await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_usBankAccount_success' } });
    const { contractId, milestoneId } = await steps.hire('80.00');
    await steps.fund(contractId, milestoneId);
    const pending = await eventually(async () => (await contractEvents(contractId)).find((e) => e.type === 'MilestoneFundingPending'), 'the pending funding');
    expect(pending.data).toMatchObject({ nextStep: 'processing', paymentIntentId: expect.stringMatching(/^pi_/) });
    // Read at the pending event's position: the view may lag the log.
    const view = await app.api.request('GET', `/v1/contracts/${contractId}?minPosition=${pending.position}`, { as: employer });
    expect(view.body.milestones[0]).toMatchObject({ status: 'funding', fundingNextStep: 'processing' });

    stripe.settlePaymentIntent(pending.data.paymentIntentId, 'succeeded');
    const funded = await steps.milestoneReaches(contractId, milestoneId, 'funded');
    expect(funded.paymentReference).toBe(pending.data.paymentIntentId);
    // Stripe's delivery of payment_intent.succeeded and the saga agree: one MilestoneFunded.
    const types = (await contractEvents(contractId)).map((e) => e.type);
    expect(types.filter((t) => t === 'MilestoneFunded')).toHaveLength(1);
  });

  it('puts a failed bank debit back to pending, with the reason, once', async () => {
    const steps = lifecycle(app.api);
    await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_usBankAccount_accountClosed' } });
    const { contractId, milestoneId } = await steps.hire('60.00');
    await steps.fund(contractId, milestoneId);
    const pending = await eventually(async () => (await contractEvents(contractId)).find((e) => e.type === 'MilestoneFundingPending'), 'the pending funding');
    stripe.settlePaymentIntent(pending.data.paymentIntentId, 'failed');
    // The view showed `pending` before funding too: wait for the failure itself.
    await eventually(async () => ((await contractEvents(contractId)).some((e) => e.type === 'MilestoneFundingFailed') ? true : undefined), 'the failure');
    await stripe.webhooksIdle();
    await steps.milestoneReaches(contractId, milestoneId, 'pending');
    const failures = (await contractEvents(contractId)).filter((e) => e.type === 'MilestoneFundingFailed');
    expect(failures).toHaveLength(1);
    expect(failures[0]!.data).toMatchObject({ paymentIntentId: pending.data.paymentIntentId });
  });

  it('blocks the release of a milestone under chargeback, and lets it go when the chargeback is won', async () => {
    const steps = lifecycle(app.api);
    await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_card_visa' } });
    const { contractId, milestoneId } = await steps.hire('40.00');
    await steps.fund(contractId, milestoneId);
    const funded = await steps.milestoneReaches(contractId, milestoneId, 'funded');
    const chargeId = stripe.ledger().charges.find((c) => c.paymentIntentId === funded.paymentReference)!.id;

    const disputeId = stripe.createDispute(chargeId);
    await steps.milestoneReaches(contractId, milestoneId, 'disputed');
    const disputed = (await contractEvents(contractId)).find((e) => e.type === 'MilestoneDisputed');
    expect(disputed!.data).toMatchObject({ disputedBy: 'service', chargeback: { disputeId } });
    const approve = await app.api.request('POST', `/v1/contracts/${contractId}/milestones/${milestoneId}/approve`, { as: employer, body: {} });
    expect(approve.status).toBe(409);

    // Duplicate deliveries of the opening change nothing.
    const opened = stripe.events().find((e) => e.type === 'charge.dispute.created' && (e.data.object as { id: string }).id === disputeId)!;
    expect(await stripe.deliver(opened.id)).toBe(200);
    stripe.closeDispute(disputeId, 'won');
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    const types = (await contractEvents(contractId)).map((e) => e.type);
    expect(types.filter((t) => t === 'MilestoneDisputed')).toHaveLength(1);
    expect(types).toContain('MilestoneChargebackClosed');
  });

  it('applies chargeback deliveries that arrive in the wrong order, and only once', async () => {
    const steps = lifecycle(app.api);
    await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_card_visa' } });
    const { contractId, milestoneId } = await steps.hire('41.00');
    await steps.fund(contractId, milestoneId);
    const funded = await steps.milestoneReaches(contractId, milestoneId, 'funded');
    const chargeId = stripe.ledger().charges.find((c) => c.paymentIntentId === funded.paymentReference)!.id;

    // Stripe sends nothing for now; then the closing arrives first, the opening after, both twice.
    stripe.setWebhook(null);
    const disputeId = stripe.createDispute(chargeId);
    stripe.closeDispute(disputeId, 'won');
    stripe.setWebhook({ url: `${app.api.baseUrl}/v1/webhooks/stripe`, secret: webhookSecret });
    const ofDispute = (type: string) => stripe.events().find((e) => e.type === type && (e.data.object as { id: string }).id === disputeId)!;
    const closed = ofDispute('charge.dispute.closed');
    const opened = ofDispute('charge.dispute.created');
    for (const event of [closed, opened, closed, opened]) expect(await stripe.deliver(event.id)).toBe(200);

    await eventually(async () => ((await contractEvents(contractId)).some((e) => e.type === 'MilestoneChargebackClosed') ? true : undefined), 'the chargeback to close', 20_000);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    const types = (await contractEvents(contractId)).map((e) => e.type).filter((t) => t === 'MilestoneDisputed' || t === 'MilestoneChargebackClosed');
    expect(types).toEqual(['MilestoneDisputed', 'MilestoneChargebackClosed']);
  });

  it('flags a refund made outside the ledger for support, and records nothing for it', async () => {
    const steps = lifecycle(app.api);
    await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_card_visa' } });
    const { contractId, milestoneId } = await steps.hire('42.00');
    await steps.fund(contractId, milestoneId);
    const funded = await steps.milestoneReaches(contractId, milestoneId, 'funded');
    const sdk = new Stripe('sk_test_dashboardUser', { host: '127.0.0.1', port: new URL(stripe.url).port, protocol: 'http' });
    await sdk.refunds.create({ payment_intent: funded.paymentReference, amount: 1_000 });

    const support: Actor = { role: 'support', id: 'sup_refunds' };
    const flagged = await eventually(async () => {
      const stuck = await app.api.request('GET', '/v1/admin/payments/stuck', { as: support });
      return stuck.body.webhooks.find((w: { type: string; error: string }) => w.type === 'charge.refunded' && w.error.includes('1000 cents'));
    }, 'the refund to be flagged');
    expect(flagged.error).toMatch(/^needs attention: Stripe refunded 1000 cents of charge ch_/);
    expect((await contractEvents(contractId)).map((e) => e.type)).not.toContain('MilestoneRefunded');
  });
});

