import type { Actor } from '@escrow/domain';
import { createStripeClient, StripePaymentGateway } from '@escrow/payments';
import { eventually, type RunningApp, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, support, trainer } from './support/lifecycle';
import { startStripeTestServer, type StripeTestServer } from './stripe-server';

const webhookSecret = 'whsec_escrowLedgerReconciliationSpec';
const finance: Actor = { role: 'finance', id: 'fin_1' };
const stripeKey = 'sk_test_escrowLedgerReconciliation';

/** A period around everything the test did: from before it started to a minute from now. */
function periodSince(start: Date): string {
  const to = new Date(Date.now() + 60_000);
  return `from=${encodeURIComponent(start.toISOString())}&to=${encodeURIComponent(to.toISOString())}`;
}

async function reconciliation(api: RunningApp, query: string, as: Actor = finance) {
  return api.request('GET', `/v1/ledger/reconciliation?${query}`, { as });
}

/** Paid, refunded through dispute resolution, declined: the three ways money moves or not. */
async function runLifecycles(api: RunningApp, onPayoutAccount: (accountId: string) => void) {
  const steps = lifecycle(api);
  await steps.setUpBilling('pm_card_visa', false);
  const connected = await api.request('POST', `/v1/trainers/${trainer.id}/payout-account`, { as: trainer, body: {} });
  expect(connected.status).toBe(200);
  onPayoutAccount(connected.body.accountId);

  const paid = await steps.paidMilestone('150.00');

  const refunded = await steps.fundedMilestone('80.00');
  const milestone = `/v1/contracts/${refunded.contractId}/milestones/${refunded.milestoneId}`;
  expect((await api.request('POST', `${milestone}/dispute`, { as: employer, body: { reason: 'not delivered' } })).status).toBe(200);
  expect((await api.request('POST', `${milestone}/resolve`, { as: support, body: { resolution: 'refund', note: 'refund in full' } })).status).toBe(200);
  await steps.milestoneReaches(refunded.contractId, refunded.milestoneId, 'refunded');

  await steps.setUpBilling('pm_card_chargeDeclined', false);
  const declined = await steps.hire('60.00');
  await steps.fund(declined.contractId, declined.milestoneId);
  await eventually(async () => {
    const events = await api.request('GET', `/v1/contracts/${declined.contractId}/events`, { as: employer });
    return (events.body.events as { type: string }[]).some((e) => e.type === 'MilestoneFundingFailed') ? true : undefined;
  }, 'the declined funding');
  return { paid, refunded, declined };
}

describeEachDatabase('reconciliation of the ledger with Stripe', (target) => {
  let stripe: StripeTestServer;
  const start = new Date(Date.now() - 1_000);
  let paid: { contractId: string; milestoneId: string };
  let refunded: { contractId: string; milestoneId: string };

  beforeAll(async () => {
    stripe = await startStripeTestServer({ processingSettleMs: null });
  });
  const app = withApp(target, () => ({
    env: { STRIPE_SECRET_KEY: stripeKey, STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_BASE: stripe.url, STRIPE_TIMEOUT_MS: '5000' },
  }));
  beforeAll(async () => {
    stripe.setWebhook({ url: `${app.api.baseUrl}/v1/webhooks/stripe`, secret: webhookSecret });
    ({ paid, refunded } = await runLifecycles(app.api, (accountId) => stripe.completeOnboarding(accountId)));
    await stripe.webhooksIdle();
  });
  afterAll(async () => {
    await stripe?.close();
  });

  const chargeOf = (milestoneId: string) => stripe.ledger().charges.find((c) => c.metadata.milestoneId === milestoneId && c.status === 'succeeded')!;

  it('finds the ledger and Stripe in agreement after paid, refunded and declined milestones', async () => {
    const report = await reconciliation(app.api, periodSince(start));
    expect(report.status).toBe(200);
    expect(report.body.mismatches).toEqual([]);
    // Two funded charges and the declined one (Stripe keeps a failed charge; it moved no money).
    expect(report.body.checked).toEqual({ charges: 3, transfers: 1, refunds: 1 });
    expect(report.body.notOurs).toEqual({ charges: 0, transfers: 0, refunds: 0 });
  });

  it('finds nothing to check in a period before any money moved', async () => {
    const dayBefore = new Date(start.getTime() - 24 * 60 * 60 * 1000);
    const before = `from=${encodeURIComponent(dayBefore.toISOString())}&to=${encodeURIComponent(start.toISOString())}`;
    const report = await reconciliation(app.api, before);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ checked: { charges: 0, transfers: 0, refunds: 0 }, mismatches: [] });
  });

  it('reports a transfer altered at Stripe, a charge whose status changed, and a charge of ours that no event records', async () => {
    const transfer = stripe.ledger().transfers.find((t) => t.metadata.milestoneId === paid.milestoneId)!;
    stripe.tamper('transfer', transfer.id, { amount: 14_000 });
    const afterTransfer = await reconciliation(app.api, periodSince(start));
    expect(afterTransfer.body.mismatches).toEqual([
      expect.objectContaining({ kind: 'amount_differs', object: 'transfer', id: transfer.id, contractId: paid.contractId, milestoneId: paid.milestoneId,
        ledger: { amountCents: 15_000 }, provider: expect.objectContaining({ amountCents: 14_000 }) }),
    ]);

    const refundedCharge = chargeOf(refunded.milestoneId);
    stripe.tamper('charge', refundedCharge.id, { status: 'failed' });
    const afterCharge = await reconciliation(app.api, periodSince(start));
    expect(afterCharge.body.mismatches.map((m: { kind: string; id: string }) => [m.kind, m.id])).toEqual([
      ['status_differs', refundedCharge.id],
      ['amount_differs', transfer.id],
    ]);

    const stray = await chargeOutsideTheApp(stripe, { contractId: 'c_unknown', milestoneId: 'm_unknown', requestKey: 'by-hand' });
    await chargeOutsideTheApp(stripe, {}); // not ours: counted, not compared
    const afterStray = await reconciliation(app.api, periodSince(start));
    expect(afterStray.body.mismatches).toHaveLength(3);
    expect(afterStray.body.mismatches).toContainEqual(
      expect.objectContaining({ kind: 'missing_in_ledger', object: 'charge', id: stray, contractId: 'c_unknown', milestoneId: 'm_unknown', ledger: null,
        provider: expect.objectContaining({ amountCents: 4_200, status: 'succeeded' }) }),
    );
    expect(afterStray.body.notOurs.charges).toBe(1);
  });

  it('lets finance and support read it, and nobody else', async () => {
    const query = periodSince(start);
    expect((await reconciliation(app.api, query, support)).status).toBe(200);
    expect((await reconciliation(app.api, query, employer)).status).toBe(403);
    expect((await reconciliation(app.api, query, trainer)).status).toBe(403);
    expect((await reconciliation(app.api, query, { role: 'service', id: 'svc_1' })).status).toBe(403);
    expect((await app.api.request('GET', `/v1/ledger/reconciliation?${query}`)).status).toBe(401);
  });

  it.each([
    ['from=2026-03-01T00:00:00Z', /^to: is required/],
    ['from=2026-03-01&to=2026-03-02T00:00:00Z', /^from: must be an ISO-8601 date-time/],
    ['from=2026-03-02T00:00:00Z&to=2026-03-01T00:00:00Z', /^to: must be after from$/],
    ['from=2026-01-01T00:00:00Z&to=2026-06-01T00:00:00Z', /^to: must be at most 93 days after from$/],
    ['from=2026-03-01T00:00:00Z&to=2026-03-02T00:00:00Z&kind=charge', /^kind: unknown field$/],
  ])('answers 400 naming the field for %s', async (query, message) => {
    const response = await reconciliation(app.api, query);
    expect(response.status).toBe(400);
    expect(response.body.message).toMatch(message);
  });
});

/** A payment made straight on Stripe (the dashboard, another script), with the SDK as anyone would. */
async function chargeOutsideTheApp(stripe: StripeTestServer, metadata: Record<string, string>): Promise<string> {
  const sdk = createStripeClient({ secretKey: stripeKey, apiBase: new URL(stripe.url), timeoutMs: 5_000 });
  const customer = await sdk.customers.create({});
  const method = await sdk.paymentMethods.attach('pm_card_visa', { customer: customer.id });
  const intent = await sdk.paymentIntents.create({
    amount: 4_200, currency: 'usd', customer: customer.id, payment_method: method.id, off_session: true, confirm: true, metadata,
  });
  const chargeId = typeof intent.latest_charge === 'string' ? intent.latest_charge : intent.latest_charge?.id;
  if (!chargeId) throw new Error(`payment intent ${intent.id} has no charge`);
  return chargeId;
}

describeEachDatabase('reconciliation of the ledger with the simulated gateway', (target) => {
  const app = withApp(target);

  it('finds the ledger and the simulated provider in agreement', async () => {
    const start = new Date(Date.now() - 1_000);
    await runLifecycles(app.api, () => undefined);
    const report = await reconciliation(app.api, periodSince(start));
    expect(report.status).toBe(200);
    expect(report.body.mismatches).toEqual([]);
    // The simulated provider keeps no charge for a declined payment.
    expect(report.body.checked).toEqual({ charges: 2, transfers: 1, refunds: 1 });
  });
});

describe("the Stripe adapter's movements for reconciliation", () => {
  let stripe: StripeTestServer;
  let clockMs = Date.parse('2026-03-01T10:00:00Z');
  const gateway = () =>
    new StripePaymentGateway({ secretKey: stripeKey, apiBase: new URL(stripe.url), timeoutMs: 5_000, connectReturnUrl: 'http://localhost/r', connectRefreshUrl: 'http://localhost/f' });

  beforeAll(async () => {
    stripe = await startStripeTestServer({ now: () => clockMs });
  });
  afterAll(async () => {
    await stripe.close();
  });

  it('lists every charge of the period across pages, and looks one up by id wherever it falls', async () => {
    const early = await chargeOutsideTheApp(stripe, { contractId: 'c_early', milestoneId: 'm_early' });
    clockMs += 2 * 60 * 60 * 1000;
    const inPeriod: string[] = [];
    for (let i = 0; i < 101; i++) inPeriod.push(await chargeOutsideTheApp(stripe, { contractId: `c_${i}`, milestoneId: `m_${i}` }));

    const listed = await gateway().listMovements({ from: new Date(clockMs - 60_000), to: new Date(clockMs + 60_000) });
    expect(listed.charges.map((c) => c.id).sort()).toEqual([...inPeriod].sort());
    expect(listed.charges[0]).toEqual({
      id: expect.stringMatching(/^ch_/), paymentIntentId: expect.stringMatching(/^pi_/), amountCents: 4_200, amountRefundedCents: 0, status: 'succeeded',
      transferGroup: null, metadata: expect.objectContaining({ contractId: expect.any(String) }), created: new Date(Math.floor(clockMs / 1000) * 1000),
    });
    expect(listed.transfers).toEqual([]);
    expect(listed.refunds).toEqual([]);

    expect(await gateway().retrieveMovement('charge', early)).toMatchObject({ id: early, metadata: { contractId: 'c_early' } });
    expect(await gateway().retrieveMovement('refund', 're_doesNotExist')).toBeNull();
    expect(await gateway().retrieveMovement('transfer', 'tr_doesNotExist')).toBeNull();
  });
});
