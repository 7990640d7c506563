import Stripe from 'stripe';
import { startStripeTestServer, type StripeTestServer } from '../stripe-server';
import { describeInBrowser, screenshot, seriousAccessibilityViolations } from '../support/browser';
import { withConsole } from '../support/console';
import { employer, lifecycle } from '../support/lifecycle';

const webhookSecret = 'whsec_escrowLedgerConsoleElements';

/**
 * Billing on the Stripe adapter: the api behind the real SDK, the console loading Stripe.js from
 * the configured URL (here the Stripe-compatible test server's stand-in, which plays Stripe's frame
 * and confirms the SetupIntent with the publishable key, as Stripe.js does), under the console's own
 * content security policy.
 */
describeInBrowser('console: an employer adds a card with Stripe Elements', () => {
  let stripe: StripeTestServer;
  let sdk: Stripe;
  beforeAll(async () => {
    stripe = await startStripeTestServer({ processingSettleMs: null });
    sdk = new Stripe('sk_test_escrowLedgerConsole', { host: '127.0.0.1', port: stripe.port, protocol: 'http', maxNetworkRetries: 0 });
  });
  const { app, signInAs } = withConsole(() => ({
    env: {
      STRIPE_SECRET_KEY: 'sk_test_escrowLedgerConsole',
      STRIPE_WEBHOOK_SECRET: webhookSecret,
      STRIPE_API_BASE: stripe.url,
      STRIPE_TIMEOUT_MS: '5000',
      STRIPE_PUBLISHABLE_KEY: 'pk_test_escrowLedgerConsole',
      STRIPE_JS_URL: `${stripe.url}/v3/`,
    },
  }));
  beforeAll(() => stripe.setWebhook({ url: `${app.api.baseUrl}/v1/webhooks/stripe`, secret: webhookSecret }));
  afterAll(() => stripe.close());

  const cardFrame = (page: import('playwright-core').Page) => page.frameLocator('iframe[title="Secure payment input frame"]');

  it('takes the card in Stripe’s frame, shows a decline in Stripe’s words, saves the next card, and milestones are charged to it', async () => {
    const page = await signInAs(employer);
    await page.getByRole('link', { name: 'Billing' }).click();
    await page.getByRole('button', { name: 'Add a card' }).click();
    const card = cardFrame(page).getByLabel('Card (Stripe test card)');
    await card.selectOption('pm_card_chargeDeclinedInsufficientFunds');
    await page.getByRole('button', { name: 'Save card' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toBe('Your card has insufficient funds.');
    await screenshot(page, 'employer-billing-stripe');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await card.selectOption('pm_card_visa');
    await page.getByRole('button', { name: 'Save card' }).click();
    const status = await page.getByRole('status').innerText();
    const [, paymentMethodId, customerId] = /charged to (pm_\w+) \(customer (cus_\w+)\)/.exec(status) ?? [];
    expect(paymentMethodId).not.toBe('pm_card_visa');
    // Stripe saved it to the employer's customer; the api recorded the same one.
    const saved = await sdk.paymentMethods.retrieve(paymentMethodId!);
    expect([saved.customer, saved.card?.last4]).toEqual([customerId, '4242']);
    const intents = stripe.events().filter((e) => e.type === 'setup_intent.succeeded');
    expect(intents.map((e) => (e.data as { object: { payment_method: string } }).object.payment_method)).toEqual([paymentMethodId]);
    await page.getByRole('button', { name: 'Add a card' }).waitFor();
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.close();

    const steps = lifecycle(app.api);
    const { contractId, milestoneId } = await steps.hire('75.00');
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    const charges = await sdk.charges.list({ customer: customerId! });
    expect(charges.data.map((c) => [c.payment_method, c.amount, c.status])).toEqual([[paymentMethodId, 7500, 'succeeded']]);
  });

  it('finishes a setup that went through a redirect: the card Stripe confirmed is recorded, and the secret leaves the address', async () => {
    const other = { role: 'employer', id: 'emp_console_redirect' } as const;
    const opened = await app.api.request('POST', `/v1/employers/${other.id}/setup-intent`, { as: other, body: {} });
    expect(opened.status).toBe(200);
    const confirmed = await sdk.setupIntents.confirm(opened.body.setupIntentId, { payment_method: 'pm_card_mastercard' });
    const page = await signInAs(other);
    const back = new URLSearchParams({ setup_intent: confirmed.id, setup_intent_client_secret: opened.body.clientSecret, redirect_status: 'succeeded' });
    await page.goto(`${app.api.baseUrl}/console/?${back}#/billing`);
    await expect(page.getByRole('status').innerText()).resolves.toContain(`charged to ${confirmed.payment_method as string} (customer ${opened.body.customerId})`);
    expect(page.url()).not.toContain('secret');
    expect(new URL(page.url()).hash).toBe('#/billing');
    await page.close();
  });
});
