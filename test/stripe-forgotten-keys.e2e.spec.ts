import { eventually, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { lifecycle } from './support/lifecycle';
import { startStripeTestServer, type StripeTestServer } from './stripe-server';

const day = 24 * 60 * 60_000;

/**
 * Stripe forgets idempotency keys after 24 hours. A charge retried after that must be looked
 * up first: sent again under its old key, it would be a new charge.
 */
describeEachDatabase('a payment retried after Stripe forgot its idempotency key', (target) => {
  let stripe: StripeTestServer;
  let clockOffsetMs = 0;

  beforeAll(async () => {
    stripe = await startStripeTestServer({ now: () => Date.now() + clockOffsetMs });
  });
  const app = withApp(target, () => ({
    env: {
      STRIPE_SECRET_KEY: 'sk_test_forgottenKeys',
      STRIPE_WEBHOOK_SECRET: 'whsec_forgottenKeys',
      STRIPE_API_BASE: stripe.url,
      // The retry waits long enough for the test to age the key first.
      PAYMENT_RETRY_BASE_MS: '600000',
    },
  }));
  afterAll(async () => {
    await stripe.close();
  });

  it('finds the charge by what we stamped on it, records it, and charges no second time', async () => {
    const steps = lifecycle(app.api);
    await steps.setUpBilling('pm_card_visa', false);
    const { contractId, milestoneId } = await steps.hire('45.00');
    // Stripe applies the charge, but the answer never arrives (the SDK's own retry is reset too).
    stripe.injectFault({ method: 'POST', path: '/v1/payment_intents', kind: 'reset_after', times: 2 });
    await steps.fund(contractId, milestoneId);
    const effect = await eventually(async () => {
      const { rows } = await app.db.query<{ idempotency_key: string; attempts: number }>(
        "select idempotency_key, attempts from saga_effects where milestone_id = $1 and kind = 'charge' and attempts = 1",
        [milestoneId],
      );
      return rows[0];
    }, 'the charge to wait for its retry');
    const charged = () => stripe.ledger().charges.filter((c) => c.metadata.milestoneId === milestoneId && c.status === 'succeeded');
    expect(charged()).toHaveLength(1);

    // A day and a bit later, for Stripe and for the effect.
    clockOffsetMs = day + 60_000;
    await app.db.query("update saga_effects set first_attempted_at = now() - interval '25 hours', next_attempt_at = now() where idempotency_key = $1", [effect.idempotency_key]);
    const funded = await steps.milestoneReaches(contractId, milestoneId, 'funded');
    expect(charged()).toHaveLength(1);
    expect(funded.paymentReference).toBe(charged()[0]!.paymentIntentId);
    const asked = stripe.requests().filter((r) => r.idempotencyKey === effect.idempotency_key && r.method === 'POST');
    expect(asked).toHaveLength(2);
    expect(stripe.requests().some((r) => r.path.startsWith('/v1/payment_intents/search'))).toBe(true);
  });
});
