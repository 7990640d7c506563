import type { SqlDb } from '@escrow/sql';
import { startApp, type RunningApp } from '../support/app';
import { describeEachDatabase } from '../support/databases';
import { startStripeTestServer, type StripeTestServer } from '../stripe-server';
import { expectMoneyConsistent, faultRate, moneyChaos, planMilestones, runAll, setUpParties } from './fault-harness';

/**
 * Many milestones through the whole lifecycle on the Stripe adapter while the provider fails a
 * fifth of the money requests. Whatever the faults, every milestone ends consistent, Stripe's
 * own ledger shows exactly one charge per funding and one transfer per release, and ours agrees.
 * `npm run test:faults` runs it at full size (200 milestones).
 */
const milestoneCount = Number(process.env.FAULT_SUITE_MILESTONES ?? 16);
const clientTimeoutMs = 1_000;
const webhookSecret = 'whsec_faultSuite';

describeEachDatabase(`fault suite: ${milestoneCount} milestones with ${faultRate * 100}% provider faults`, (target) => {
  let db: SqlDb;
  let api: RunningApp;
  let stripe: StripeTestServer;

  beforeAll(async () => {
    stripe = await startStripeTestServer();
    db = await target.open();
    api = await startApp(db, {
      env: {
        STRIPE_SECRET_KEY: 'sk_test_faultSuite',
        STRIPE_WEBHOOK_SECRET: webhookSecret,
        STRIPE_API_BASE: stripe.url,
        STRIPE_TIMEOUT_MS: String(clientTimeoutMs),
        PAYMENT_RETRY_BASE_MS: '20',
        PLATFORM_FEE_BPS: '1000',
      },
    });
    stripe.setWebhook({ url: `${api.baseUrl}/v1/webhooks/stripe`, secret: webhookSecret });
  });
  afterAll(async () => {
    await api.close();
    await db.close();
    await stripe.close();
  });

  it('ends every milestone consistent, with exactly one charge per funding and one transfer per release', async () => {
    const since = new Date();
    const parties = await setUpParties(api, stripe);
    stripe.setChaos(moneyChaos(20261201, clientTimeoutMs));
    const results = await runAll(api, planMilestones(milestoneCount, parties), 8, 90_000);
    stripe.setChaos(null);
    expect(results).toHaveLength(milestoneCount);
    expect(stripe.requests().filter((r) => r.status >= 500 || r.status === 429 || r.status === 0).length).toBeGreaterThan(0);
    await expectMoneyConsistent(api, stripe, results, since);
  }, 30 * 60_000);
});
