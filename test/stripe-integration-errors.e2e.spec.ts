import { Logger } from '@nestjs/common';
import type { Actor } from '@escrow/domain';
import { eventually, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, support, trainer } from './support/lifecycle';
import { startRefusingProxy, type RefusingProxy } from './support/stripe-refusals';
import { startStripeTestServer, type StripeTestServer } from './stripe-server';

const webhookSecret = 'whsec_escrowLedgerIntegrationErrorsSpec';

/**
 * The provider refusing a request of ours as made (Stripe's 400 invalid_request_error) is our
 * integration error, never the customer's: the API answers 502 with the provider's message, the
 * saga leaves the money call stuck for support instead of recording a declined card or a failed
 * payout, and both log it as an integration error with the provider's request id. The app runs
 * the Stripe adapter against the Stripe-compatible test server, through a proxy that answers
 * chosen requests with Stripe's 400.
 */
describeEachDatabase('integration errors: requests the payment provider refuses as made', (target) => {
  let stripe: StripeTestServer;
  let proxy: RefusingProxy;
  let errors: jest.SpyInstance;

  beforeAll(async () => {
    stripe = await startStripeTestServer({ processingSettleMs: null });
    proxy = await startRefusingProxy(stripe.url);
  });
  const app = withApp(target, () => ({
    env: { STRIPE_SECRET_KEY: 'sk_test_escrowLedgerIntegrationErrors', STRIPE_WEBHOOK_SECRET: webhookSecret, STRIPE_API_BASE: proxy.url, STRIPE_TIMEOUT_MS: '5000' },
  }));
  beforeAll(() => {
    stripe.setWebhook({ url: `${app.api.baseUrl}/v1/webhooks/stripe`, secret: webhookSecret });
  });
  afterAll(async () => {
    await proxy.close();
    await stripe.close();
  });
  beforeEach(() => {
    errors = jest.spyOn(Logger.prototype, 'error');
  });
  afterEach(() => {
    errors.mockRestore();
  });

  const integrationErrorsLogged = () =>
    // A line is a message, or pino-style fields with the message in `msg`.
    errors.mock.calls
      .map(([line]) => (typeof line === 'object' && line !== null && 'msg' in line ? String((line as { msg: unknown }).msg) : String(line)))
      .filter((line) => line.startsWith('integration error: '));
  const lastRefusalId = () => proxy.refusedRequestIds().at(-1)!;
  const typesOf = async (stream: string) => (await app.store.readStream(stream)).map((e) => e.type);
  const stuckEffectOf = (milestoneId: string, kind: string) =>
    eventually(async () => {
      const stuck = await app.api.request('GET', '/v1/admin/payments/stuck', { as: support });
      return (stuck.body.effects as { milestoneId: string; kind: string }[]).find((e) => e.milestoneId === milestoneId && e.kind === kind) as any;
    }, `the ${kind} of ${milestoneId} to be stuck`);
  const ofMilestone = <T extends { metadata: Record<string, string> }>(rows: T[], milestoneId: string) => rows.filter((r) => r.metadata.milestoneId === milestoneId);

  describe('synchronous provider calls from the API: 502 with the provider message, logged, nothing recorded', () => {
    const setupEmployer: Actor = { role: 'employer', id: 'emp_setup' };
    const attachEmployer: Actor = { role: 'employer', id: 'emp_attach' };
    const payoutTrainer: Actor = { role: 'trainer', id: 'tr_onboarding' };

    it.each([
      { call: 'POST /v1/employers/:id/setup-intent', refused: '/v1/setup_intents', operation: 'create setup intent', as: setupEmployer, path: `/v1/employers/${setupEmployer.id}/setup-intent`, body: {}, stream: `employer-${setupEmployer.id}` },
      { call: 'POST /v1/employers/:id/payment-method (creating the customer)', refused: '/v1/customers', operation: 'create customer', as: attachEmployer, path: `/v1/employers/${attachEmployer.id}/payment-method`, body: { paymentMethodId: 'pm_card_visa' }, stream: `employer-${attachEmployer.id}` },
      { call: 'POST /v1/employers/:id/payment-method (attaching)', refused: '/v1/payment_methods', operation: 'attach payment method', as: attachEmployer, path: `/v1/employers/${attachEmployer.id}/payment-method`, body: { paymentMethodId: 'pm_card_mastercard' }, stream: `employer-${attachEmployer.id}` },
      { call: 'POST /v1/trainers/:id/payout-account (opening the account)', refused: '/v1/accounts', operation: 'create account', as: payoutTrainer, path: `/v1/trainers/${payoutTrainer.id}/payout-account`, body: {}, stream: `trainer-${payoutTrainer.id}` },
      { call: 'POST /v1/trainers/:id/payout-account (the onboarding link)', refused: '/v1/account_links', operation: 'create account link', as: payoutTrainer, path: `/v1/trainers/${payoutTrainer.id}/payout-account`, body: {}, stream: `trainer-${payoutTrainer.id}` },
    ])('$call', async ({ refused, operation, as, path, body, stream }) => {
      const before = await typesOf(stream);
      proxy.refuse({ method: 'POST', path: refused, message: 'Received unknown parameter: escrow_flag', code: 'parameter_unknown', param: 'escrow_flag' });
      const answer = await app.api.request('POST', path, { as, body });
      expect(answer.status).toBe(502);
      expect(answer.body).toEqual({
        statusCode: 502,
        error: 'Bad Gateway',
        message: `the payment provider refused our request: ${operation}: Received unknown parameter: escrow_flag`,
        code: 'payment_provider_refused',
      });
      expect(integrationErrorsLogged()).toEqual([
        expect.stringMatching(
          new RegExp(`^integration error: the payment provider refused ${operation} \\(400 invalid_request_error, parameter_unknown, param escrow_flag, request ${lastRefusalId()}\\): Received unknown parameter: escrow_flag`),
        ),
      ]);
      expect(await typesOf(stream)).toEqual(before);

      // Nothing of it stays behind: once the provider accepts the request, the same call works.
      const again = await app.api.request('POST', path, { as, body });
      expect(again.status).toBe(200);
    });

    it("a refusal of the caller's own input stays the caller's 400 naming the field, and is no integration error", async () => {
      const who: Actor = { role: 'employer', id: 'emp_unknown_method' };
      const answer = await app.api.request('POST', `/v1/employers/${who.id}/payment-method`, { as: who, body: { paymentMethodId: 'pm_card_doesNotExist' } });
      expect(answer.status).toBe(400);
      expect(answer.body.message).toBe("paymentMethodId: No such PaymentMethod: 'pm_card_doesNotExist'");
      expect(integrationErrorsLogged()).toEqual([]);
      expect(await typesOf(`employer-${who.id}`)).toEqual([]);
    });
  });

  describe('money requests: stuck for support with the provider message, no business failure recorded', () => {
    beforeAll(async () => {
      await lifecycle(app.api).setUpBilling('pm_card_visa', false);
      const connected = await app.api.request('POST', `/v1/trainers/${trainer.id}/payout-account`, { as: trainer, body: {} });
      expect(connected.status).toBe(200);
      stripe.completeOnboarding(connected.body.accountId);
      await eventually(async () => {
        const events = await app.store.readStream(`trainer-${trainer.id}`);
        return events.some((e) => e.type === 'TrainerPayoutAccountUpdated' && (e.data as { payoutsEnabled: boolean }).payoutsEnabled) ? true : undefined;
      }, 'Stripe to enable the payout account');
    });

    it("a refused charge request: stuck, no MilestoneFundingFailed blamed on the card; support's retry charges once the cause is gone", async () => {
      const steps = lifecycle(app.api);
      const { contractId, milestoneId } = await steps.hire('70.00');
      proxy.refuse({ method: 'POST', path: '/v1/payment_intents', message: 'Received unknown parameter: escrow_flag', code: 'parameter_unknown', param: 'escrow_flag' });
      await steps.fund(contractId, milestoneId);

      const item = await stuckEffectOf(milestoneId, 'charge');
      expect(item).toMatchObject({ status: 'dead', attempts: 1, contractId, causeEventType: 'MilestoneFundingRequested' });
      expect(item.lastError).toBe(
        `integration error: the payment provider refused charge (400 invalid_request_error, parameter_unknown, param escrow_flag, request ${lastRefusalId()}): Received unknown parameter: escrow_flag`,
      );
      expect(integrationErrorsLogged()).toEqual([expect.stringContaining(item.lastError)]);
      expect(await typesOf(`contract-${contractId}`)).not.toContain('MilestoneFundingFailed');
      await steps.milestoneReaches(contractId, milestoneId, 'funding');
      expect(ofMilestone(stripe.ledger().charges, milestoneId)).toEqual([]);

      const retry = await app.api.request('POST', `/v1/admin/payments/stuck/${encodeURIComponent(item.id)}/retry`, { as: support, body: {} });
      expect(retry.status).toBe(202);
      await steps.milestoneReaches(contractId, milestoneId, 'funded');
      expect(ofMilestone(stripe.ledger().charges, milestoneId).map((c) => [c.amount, c.status])).toEqual([[7_000, 'succeeded']]);
      expect(await typesOf(`contract-${contractId}`)).not.toContain('MilestoneFundingFailed');
      const stuck = await app.api.request('GET', '/v1/admin/payments/stuck', { as: support });
      expect(stuck.body.effects.filter((e: { milestoneId: string }) => e.milestoneId === milestoneId)).toEqual([]);
    });

    it("a refused transfer request: stuck, no MilestonePayoutFailed and no payout retry; support's retry pays once the cause is gone", async () => {
      const steps = lifecycle(app.api);
      const { contractId, milestoneId } = await steps.hire('90.00');
      await steps.fund(contractId, milestoneId);
      await steps.milestoneReaches(contractId, milestoneId, 'funded');
      await steps.requestApproval(contractId, milestoneId);
      proxy.refuse({ method: 'POST', path: '/v1/transfers', message: 'Received unknown parameter: escrow_flag', code: 'parameter_unknown', param: 'escrow_flag' });
      await steps.approve(contractId, milestoneId);

      const item = await stuckEffectOf(milestoneId, 'transfer');
      expect(item).toMatchObject({ status: 'dead', attempts: 1, contractId, causeEventType: 'MilestoneApproved' });
      expect(item.lastError).toBe(
        `integration error: the payment provider refused transfer (400 invalid_request_error, parameter_unknown, param escrow_flag, request ${lastRefusalId()}): Received unknown parameter: escrow_flag`,
      );
      expect(integrationErrorsLogged()).toEqual([expect.stringContaining(item.lastError)]);
      expect(await typesOf(`contract-${contractId}`)).not.toContain('MilestonePayoutFailed');
      expect((await app.db.query('select 1 from saga_payouts where milestone_id = $1', [milestoneId])).rows).toEqual([]);
      await steps.milestoneReaches(contractId, milestoneId, 'approved');
      expect(ofMilestone(stripe.ledger().transfers, milestoneId)).toEqual([]);

      const retry = await app.api.request('POST', `/v1/admin/payments/stuck/${encodeURIComponent(item.id)}/retry`, { as: support, body: {} });
      expect(retry.status).toBe(202);
      await steps.milestoneReaches(contractId, milestoneId, 'paid');
      expect(ofMilestone(stripe.ledger().transfers, milestoneId).map((t) => t.amount)).toEqual([9_000]);
      expect(await typesOf(`contract-${contractId}`)).not.toContain('MilestonePayoutFailed');
    });

    it('a card decline is still the business outcome: MilestoneFundingFailed with the decline code, nothing stuck', async () => {
      const steps = lifecycle(app.api);
      const attached = await app.api.request('POST', `/v1/employers/${employer.id}/payment-method`, { as: employer, body: { paymentMethodId: 'pm_card_chargeDeclined' } });
      expect(attached.status).toBe(200);
      const { contractId, milestoneId } = await steps.hire('20.00');
      await steps.fund(contractId, milestoneId);
      const failed = await eventually(
        async () => (await app.store.readStream(`contract-${contractId}`)).find((e) => e.type === 'MilestoneFundingFailed'),
        'the declined funding',
      );
      expect(failed.data).toMatchObject({ declineCode: 'generic_decline', reason: 'Your card was declined.' });
      const stuck = await app.api.request('GET', '/v1/admin/payments/stuck', { as: support });
      expect(stuck.body.effects.filter((e: { milestoneId: string }) => e.milestoneId === milestoneId)).toEqual([]);
      expect(integrationErrorsLogged()).toEqual([]);
    });
  });
});
