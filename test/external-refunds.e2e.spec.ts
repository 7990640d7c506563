import type { Actor } from '@escrow/domain';
import Stripe from 'stripe';
import { eventually, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, support } from './support/lifecycle';
import { startStripeTestServer, type StripeTestServer } from './stripe-server';

const webhookSecret = 'whsec_escrowLedgerExternalRefundsSpec';
const finance: Actor = { role: 'finance', id: 'fin_1' };

interface StuckList {
  effects: { id: string; kind: string; status: string; milestoneId: string; lastError: string }[];
  retrying: unknown[];
  refusedOutcomes: unknown[];
  webhooks: { id: string; type: string; error: string }[];
}

/**
 * Someone refunded the employer in Stripe's dashboard, outside the ledger; support then resolved
 * the dispute `refund`, and the saga's own refund was refused by Stripe (already refunded), so
 * the milestone would wait in `disputed` forever. Support settles the stuck refund with the
 * refund made at the provider; the ledger records it as the refund the resolution owed.
 */
describeEachDatabase('a refund made at the provider outside the ledger, settled by support', (target) => {
  let stripe: StripeTestServer;
  let dashboard: Stripe;

  beforeAll(async () => {
    stripe = await startStripeTestServer({ processingSettleMs: null });
  });
  const app = withApp(target, () => ({
    env: { STRIPE_SECRET_KEY: 'sk_test_escrowLedgerExternalRefunds', STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_BASE: stripe.url, STRIPE_TIMEOUT_MS: '5000' },
  }));
  beforeAll(async () => {
    stripe.setWebhook({ url: `${app.api.baseUrl}/v1/webhooks/stripe`, secret: webhookSecret });
    dashboard = new Stripe('sk_test_dashboardUser', { host: '127.0.0.1', port: new URL(stripe.url).port, protocol: 'http' });
    await lifecycle(app.api).setUpBilling('pm_card_visa', false);
  });
  afterAll(async () => {
    await stripe.close();
  });

  const stuckList = async (): Promise<StuckList> => (await app.api.request('GET', '/v1/admin/payments/stuck', { as: support })).body;
  const contractEvents = async (contractId: string) => app.store.readStream(`contract-${contractId}`);
  const resolveStuck = (id: string, body: unknown) => app.api.request('POST', `/v1/admin/payments/stuck/${encodeURIComponent(id)}/resolve`, { as: support, body });

  /**
   * A funded, disputed milestone that someone refunded at the provider by `refundedOutsideCents`
   * (Stripe notifies us: parked for support), then resolved `refund` by support: the saga's
   * refund is refused by the provider and given up on.
   */
  async function refundStuckAfterOutsideRefund(amount: string, refundedOutsideCents: number) {
    const steps = lifecycle(app.api);
    const { contractId, milestoneId } = await steps.hire(amount);
    await steps.fund(contractId, milestoneId);
    const funded = await steps.milestoneReaches(contractId, milestoneId, 'funded');
    const disputed = await app.api.request('POST', `/v1/contracts/${contractId}/milestones/${milestoneId}/dispute`, { as: employer, body: { reason: 'never delivered' } });
    expect(disputed.status).toBe(200);

    const outside = await dashboard.refunds.create({ payment_intent: funded.paymentReference, amount: refundedOutsideCents });
    const chargeId = outside.charge as string;
    await eventually(async () => (await stuckList()).webhooks.find((w) => w.type === 'charge.refunded' && w.error.includes(chargeId)), 'Stripe\'s notice of the outside refund to be parked');

    const resolved = await app.api.request('POST', `/v1/contracts/${contractId}/milestones/${milestoneId}/resolve`, { as: support, body: { resolution: 'refund', note: 'not delivered' } });
    expect(resolved.status).toBe(200);
    const stuck = await eventually(async () => (await stuckList()).effects.find((e) => e.milestoneId === milestoneId && e.kind === 'refund'), 'the refund to be given up on');
    expect(stuck).toMatchObject({ status: 'dead', lastError: expect.stringMatching(/^the provider refused the refund: /) });
    expect((await contractEvents(contractId)).map((e) => e.type)).not.toContain('MilestoneRefunded');
    return { contractId, milestoneId, outside, chargeId, stuck };
  }

  it('records the outside refund as the milestone refund: refunded, ledger balanced, invoice refunded, nothing stuck, archive allowed', async () => {
    const { contractId, milestoneId, outside, chargeId, stuck } = await refundStuckAfterOutsideRefund('150.00', 15_000);
    expect(stuck.lastError).toContain('has already been refunded');
    const archiveBefore = await app.api.request('POST', `/v1/contracts/${contractId}/archive`, { as: employer, body: {} });
    expect(archiveBefore.status).toBe(409);

    const settled = await resolveStuck(stuck.id, { externalRefund: { refundId: outside.id } });
    expect(settled.status).toBe(200);
    expect(settled.body).toMatchObject({ id: stuck.id, resolved: true, refundId: outside.id, recorded: ['MilestoneRefunded'], noticesRechecked: 1 });

    const refunds = (await contractEvents(contractId)).filter((e) => e.type === 'MilestoneRefunded');
    expect(refunds).toHaveLength(1);
    expect(refunds[0]!.data).toEqual({ contractId, milestoneId, amount: { amountCents: 15_000, currency: 'USD' }, refundId: outside.id, chargeId });
    expect(refunds[0]!.metadata).toMatchObject({ actor: support });
    const view = await lifecycle(app.api).milestoneReaches(contractId, milestoneId, 'refunded');
    expect(view).toMatchObject({ refunded: '150.00', refundPending: '0.00', refundReference: outside.id });

    const trial = await eventually(async () => {
      const current = await app.api.request('GET', '/v1/ledger/trial-balance', { as: finance });
      const escrow = current.body.accounts.find((a: { account: string }) => a.account === `escrow:contract:${contractId}`);
      return escrow?.balance === '0.00' ? current.body : undefined;
    }, 'the ledger to empty the escrow');
    expect(trial).toMatchObject({ balanced: true, totalDebits: trial.totalCredits });
    const invoice = await eventually(async () => {
      const listed = await app.api.request('GET', `/v1/invoices?contractId=${contractId}`, { as: finance });
      return listed.body.invoices?.find((i: { kind: string; refunded: string }) => i.kind === 'employer_funding' && i.refunded === '150.00');
    }, 'the funding invoice to show the refund');
    expect(invoice).toMatchObject({ paymentStatus: 'refunded', stripeReference: { refundIds: [outside.id] } });

    // The effect is settled, and Stripe's notice of that refund checks out now that the ledger has it.
    await eventually(async () => {
      const list = await stuckList();
      return list.effects.length + list.retrying.length + list.refusedOutcomes.length + list.webhooks.length === 0 ? list : undefined;
    }, 'the stuck list to empty');
    const archived = await app.api.request('POST', `/v1/contracts/${contractId}/archive`, { as: employer, body: {} });
    expect(archived.status).toBe(200);
    expect(archived.body).toMatchObject({ status: 'archived' });

    // Resolving again: the item is no longer stuck, and nothing is recorded twice.
    const again = await resolveStuck(stuck.id, { externalRefund: { refundId: outside.id } });
    expect(again.status).toBe(409);
    expect((await contractEvents(contractId)).filter((e) => e.type === 'MilestoneRefunded')).toHaveLength(1);
  });

  it('refuses a refund the provider does not have, of another charge, or of another amount (422 naming the field): nothing appended, still stuck', async () => {
    const { contractId, milestoneId, outside, stuck } = await refundStuckAfterOutsideRefund('80.00', 3_000);
    // The provider kept what was left: our 80.00 is more than the 50.00 unrefunded.
    expect(stuck.lastError).toContain('greater than unrefunded amount');
    const foreignIntent = await dashboard.paymentIntents.create({ amount: 8_000, currency: 'usd', payment_method: 'pm_card_visa', confirm: true });
    const foreign = await dashboard.refunds.create({ payment_intent: foreignIntent.id, amount: 8_000 });
    const before = await contractEvents(contractId);

    const refusals = [
      { refundId: 're_doesNotExist0000000000', status: 422, message: 'externalRefund.refundId: the payment provider has no refund re_doesNotExist0000000000' },
      { refundId: foreign.id, status: 422, message: `externalRefund.refundId: refund ${foreign.id} is of charge ${foreign.charge as string}, not of milestone ${milestoneId}'s funding charge` },
      { refundId: outside.id, status: 422, message: `externalRefund.refundId: refund ${outside.id} returned 30.00; the resolution refunds 80.00` },
    ];
    for (const { refundId, status, message } of refusals) {
      const refused = await resolveStuck(stuck.id, { externalRefund: { refundId } });
      expect({ status: refused.status, message: refused.body.message }).toEqual({ status, message: expect.stringContaining(message) });
    }
    const malformed = await resolveStuck(stuck.id, { externalRefund: { refundId: 'ch_notARefund' } });
    expect(malformed.status).toBe(400);
    expect(malformed.body.message).toMatch(/^externalRefund\.refundId: /);
    const missing = await resolveStuck(stuck.id, {});
    expect(missing.status).toBe(400);
    expect(missing.body.message).toMatch(/^externalRefund: is required/);

    expect(await contractEvents(contractId)).toEqual(before);
    expect((await stuckList()).effects.find((e) => e.id === stuck.id)).toMatchObject({ status: 'dead' });
    expect((await lifecycle(app.api).contract(contractId)).milestones[0]).toMatchObject({ status: 'disputed', refundPending: '80.00' });
  });

  it('resolves other stuck items with {} alone; externalRefund settles only a refund', async () => {
    const notStuck = await resolveStuck('refund:00000000-0000-0000-0000-000000000000', { externalRefund: { refundId: 're_whatever0000000000000' } });
    expect(notStuck.status).toBe(404);
    const chargeEffect = (await app.db.query<{ idempotency_key: string }>(`select idempotency_key from saga_effects where kind = 'charge' limit 1`)).rows[0]!;
    const notARefund = await resolveStuck(chargeEffect.idempotency_key, { externalRefund: { refundId: 're_whatever0000000000000' } });
    expect(notARefund.status).toBe(422);
    expect(notARefund.body.message).toMatch(/^externalRefund: settles only a refund given up on; charge:.* is a charge$/);
    const noRefusedOutcome = await resolveStuck('12345', {});
    expect(noRefusedOutcome.status).toBe(404);
    const forbidden = await app.api.request('POST', '/v1/admin/payments/stuck/12345/resolve', { as: employer, body: { externalRefund: { refundId: 're_whatever0000000000000' } } });
    expect(forbidden.status).toBe(403);
  });
});
