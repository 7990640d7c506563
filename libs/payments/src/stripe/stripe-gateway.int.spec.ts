import { randomUUID } from 'node:crypto';
import { startStripeTestServer, type StripeTestServer } from '../../../../test/stripe-server';
import { paymentGatewaySuite } from '../payment-gateway.suite';
import { PaymentGatewayError, type ChargeRequest } from '../payment-gateway';
import { StripePaymentGateway } from './stripe-gateway';

const clientTimeoutMs = 1_500;

function gatewayFor(server: StripeTestServer, secretKey = 'sk_test_escrowLedgerAdapterSpec'): StripePaymentGateway {
  return new StripePaymentGateway({
    secretKey,
    apiBase: new URL(server.url),
    timeoutMs: clientTimeoutMs,
    connectReturnUrl: 'http://localhost:3000/payouts/connected',
    connectRefreshUrl: 'http://localhost:3000/payouts/refresh',
  });
}

describe('StripePaymentGateway (the stripe SDK against the Stripe-compatible test server)', () => {
  let server: StripeTestServer;

  beforeAll(async () => {
    server = await startStripeTestServer({ autoDeliverWebhooks: false });
  });
  afterAll(async () => {
    await server.close();
  });

  describe('the shared payment gateway suite', () => {
    paymentGatewaySuite(
      async () => ({
        gateway: gatewayFor(server),
        dispose: async () => server.clearFaults(),
        completeOnboarding: async (accountId) => server.completeOnboarding(accountId),
      }),
      { guardsEscrowAcrossRefundsAndTransfers: false },
    );
  });

  describe('what it sends to Stripe', () => {
    let gateway: StripePaymentGateway;
    beforeEach(() => {
      gateway = gatewayFor(server);
      server.clearFaults();
    });

    const key = (what: string) => `spec-${what}-${randomUUID()}`;

    async function chargeRequest(testPaymentMethod = 'pm_card_visa', amountCents = 25_000): Promise<ChargeRequest> {
      const employerId = `emp-${randomUUID()}`;
      const { customerId, paymentMethodId } = await gateway.attachPaymentMethod({ idempotencyKey: key('attach'), employerId, paymentMethodId: testPaymentMethod });
      const metadata = { contractId: `c-${randomUUID()}`, milestoneId: `m-${randomUUID()}` };
      return { idempotencyKey: key('charge'), amountCents, currency: 'USD', customerId, paymentMethodId, transferGroup: `milestone_${metadata.milestoneId}`, metadata };
    }

    it('funds with an off-session PaymentIntent confirmed at once, grouped and stamped with the milestone', async () => {
      const request = await chargeRequest();
      const outcome = await gateway.charge(request);
      if (outcome.status !== 'succeeded') throw new Error(`not charged: ${JSON.stringify(outcome)}`);
      const intent = await gateway.stripe.paymentIntents.retrieve(outcome.paymentIntentId);
      expect(intent).toMatchObject({
        amount: 25_000,
        currency: 'usd',
        customer: request.customerId,
        payment_method: request.paymentMethodId,
        status: 'succeeded',
        transfer_group: request.transferGroup,
        metadata: request.metadata,
        latest_charge: outcome.chargeId,
      });
      const sent = server.requests().filter((r) => r.method === 'POST' && r.path === '/v1/payment_intents');
      expect(sent.map((r) => r.idempotencyKey)).toContain(request.idempotencyKey);
      expect(await gateway.paymentMetadata(outcome.paymentIntentId)).toEqual(request.metadata);
      expect(await gateway.paymentMetadata('pi_doesNotExist000000000000')).toBeNull();
    });

    it('pays out with a Transfer linked to the funding charge and its transfer group', async () => {
      const request = await chargeRequest();
      const charged = await gateway.charge(request);
      if (charged.status !== 'succeeded') throw new Error('not charged');
      const trainerId = `tr-${randomUUID()}`;
      const account = await gateway.createPayoutAccount({ idempotencyKey: key('account'), trainerId, country: 'US' });
      expect(account.onboardingUrl).toMatch(/^https?:\/\//);
      server.completeOnboarding(account.accountId);
      const outcome = await gateway.transfer({
        idempotencyKey: key('transfer'),
        amountCents: 22_500,
        currency: 'USD',
        destinationAccountId: account.accountId,
        sourceChargeId: charged.chargeId,
        transferGroup: request.transferGroup,
        metadata: request.metadata,
      });
      if (outcome.status !== 'succeeded') throw new Error(`not transferred: ${JSON.stringify(outcome)}`);
      const transfer = await gateway.stripe.transfers.retrieve(outcome.transferId);
      expect(transfer).toMatchObject({
        amount: 22_500,
        destination: account.accountId,
        source_transaction: charged.chargeId,
        transfer_group: request.transferGroup,
        metadata: request.metadata,
      });
    });

    it('refunds through the PaymentIntent', async () => {
      const charged = await gateway.charge(await chargeRequest());
      if (charged.status !== 'succeeded') throw new Error('not charged');
      const outcome = await gateway.refund({ idempotencyKey: key('refund'), ...charged, amountCents: 5_000, currency: 'USD', metadata: { contractId: 'c', milestoneId: 'm' } });
      if (outcome.status !== 'succeeded') throw new Error(`not refunded: ${JSON.stringify(outcome)}`);
      const refund = await gateway.stripe.refunds.retrieve(outcome.refundId);
      expect(refund).toMatchObject({ amount: 5_000, payment_intent: charged.paymentIntentId, charge: charged.chargeId });
    });

    it('reports a bank debit still processing and a card that needs authentication as pending', async () => {
      expect(await gateway.charge(await chargeRequest('pm_usBankAccount_success'))).toEqual({
        status: 'pending',
        paymentIntentId: expect.stringMatching(/^pi_/),
        nextStep: 'processing',
      });
      expect(await gateway.charge(await chargeRequest('pm_card_authenticationRequired'))).toEqual({
        status: 'pending',
        paymentIntentId: expect.stringMatching(/^pi_/),
        nextStep: 'requires_action',
      });
    });

    it('opens one Express account per trainer, not enabled until Stripe says so', async () => {
      const trainerId = `tr-${randomUUID()}`;
      const first = await gateway.createPayoutAccount({ idempotencyKey: key('account'), trainerId, country: 'DE' });
      const again = await gateway.createPayoutAccount({ idempotencyKey: key('account'), trainerId, country: 'DE' });
      expect(again.accountId).toBe(first.accountId);
      expect(first.payoutsEnabled).toBe(false);
      const account = await gateway.stripe.accounts.retrieve(first.accountId);
      expect(account).toMatchObject({ type: 'express', country: 'DE', metadata: { trainerId } });
      const created = server.requests().filter((r) => r.method === 'POST' && r.path === '/v1/accounts');
      expect(created.map((r) => r.idempotencyKey)).toContain(`account:${trainerId}`);
      server.completeOnboarding(first.accountId);
      expect(await gateway.createPayoutAccount({ idempotencyKey: key('account'), trainerId, accountId: first.accountId, country: 'DE' })).toMatchObject({ country: 'DE', payoutsEnabled: true });
    });

    it('starts a SetupIntent on the employer customer for client-side collection', async () => {
      const employerId = `emp-${randomUUID()}`;
      const intent = await gateway.createSetupIntent({ idempotencyKey: key('seti'), employerId });
      expect(intent).toEqual({ customerId: expect.stringMatching(/^cus_/), setupIntentId: expect.stringMatching(/^seti_/), clientSecret: expect.stringMatching(/^seti_.+_secret_/) });
      const again = await gateway.createSetupIntent({ idempotencyKey: key('seti'), employerId, customerId: intent.customerId });
      expect(again.customerId).toBe(intent.customerId);
      const attached = await gateway.attachPaymentMethod({ idempotencyKey: key('attach'), employerId, paymentMethodId: 'pm_card_visa', customerId: intent.customerId });
      expect(attached.customerId).toBe(intent.customerId);
    });
  });

  describe('faults, mapped to retryable or terminal, never moving money twice', () => {
    let gateway: StripePaymentGateway;
    beforeEach(() => {
      gateway = gatewayFor(server);
      server.clearFaults();
    });

    async function chargeRequest(): Promise<ChargeRequest> {
      const { customerId, paymentMethodId } = await gateway.attachPaymentMethod({
        idempotencyKey: `fault-attach-${randomUUID()}`,
        employerId: `emp-${randomUUID()}`,
        paymentMethodId: 'pm_card_visa',
      });
      const metadata = { contractId: `c-${randomUUID()}`, milestoneId: `m-${randomUUID()}` };
      return { idempotencyKey: `fault-charge-${randomUUID()}`, amountCents: 9_900, currency: 'USD', customerId, paymentMethodId, transferGroup: `milestone_${metadata.milestoneId}`, metadata };
    }

    const chargesFor = (request: ChargeRequest) => server.ledger().charges.filter((c) => c.metadata.milestoneId === request.metadata.milestoneId && c.status === 'succeeded');

    it.each([
      ['http_500', 'provider_error'],
      ['http_429', 'rate_limited'],
    ] as const)('%s is retryable (%s) and moved nothing; the retry charges once', async (kind, code) => {
      const request = await chargeRequest();
      server.injectFault({ method: 'POST', path: '/v1/payment_intents', kind, times: 1 });
      const failed = gateway.charge(request);
      await expect(failed).rejects.toBeInstanceOf(PaymentGatewayError);
      await expect(failed).rejects.toMatchObject({ retryable: true, code });
      expect(chargesFor(request)).toHaveLength(0);
      expect(await gateway.charge(request)).toMatchObject({ status: 'succeeded' });
      expect(chargesFor(request)).toHaveLength(1);
    });

    it('a connection reset before Stripe applied the request: retryable, nothing moved, the retry charges once', async () => {
      const request = await chargeRequest();
      // The SDK itself retries a closed connection once; two resets reach us.
      server.injectFault({ method: 'POST', path: '/v1/payment_intents', kind: 'reset_before', times: 2 });
      await expect(gateway.charge(request)).rejects.toMatchObject({ name: 'PaymentGatewayError', retryable: true, code: 'connection_error' });
      expect(chargesFor(request)).toHaveLength(0);
      expect(await gateway.charge(request)).toMatchObject({ status: 'succeeded' });
      expect(chargesFor(request)).toHaveLength(1);
    });

    it('a connection reset after Stripe applied it: the retry under the same key gets the same charge', async () => {
      const request = await chargeRequest();
      server.injectFault({ method: 'POST', path: '/v1/payment_intents', kind: 'reset_after', times: 2 });
      await expect(gateway.charge(request)).rejects.toMatchObject({ retryable: true, code: 'connection_error' });
      expect(chargesFor(request)).toHaveLength(1);
      const outcome = await gateway.charge(request);
      expect(outcome).toMatchObject({ status: 'succeeded', chargeId: chargesFor(request)[0]!.id });
      expect(chargesFor(request)).toHaveLength(1);
    });

    it('an answer slower than the client timeout: retryable timeout; the retry gets the applied charge', async () => {
      const request = await chargeRequest();
      server.injectFault({ method: 'POST', path: '/v1/payment_intents', kind: 'latency', latencyMs: clientTimeoutMs + 1_000, times: 1 });
      await expect(gateway.charge(request)).rejects.toMatchObject({ retryable: true, code: 'timeout' });
      const outcome = await gateway.charge(request);
      expect(outcome).toMatchObject({ status: 'succeeded' });
      expect(chargesFor(request)).toHaveLength(1);
    });

    it('a refused secret key is terminal: the provider refusing our request, with its status and request id', async () => {
      const refused = gatewayFor(server, 'rk_live_notAcceptedHere');
      await expect(refused.createSetupIntent({ idempotencyKey: `k-${randomUUID()}`, employerId: 'emp-x' })).rejects.toMatchObject({
        name: 'PaymentProviderRefused',
        retryable: false,
        code: 'provider_refused_credentials',
        refusal: { status: 401, requestId: expect.stringMatching(/^req_/) },
      });
    });

    it('a request Stripe refuses as wrong is a PaymentProviderRefused, not a raw SDK error, wherever it is made', async () => {
      const missing = { name: 'PaymentProviderRefused', retryable: false, refusal: expect.objectContaining({ status: 400, type: 'invalid_request_error', param: 'customer' }) };
      await expect(gateway.createSetupIntent({ idempotencyKey: `k-${randomUUID()}`, employerId: 'emp-x', customerId: 'cus_notAtStripe0000' })).rejects.toMatchObject(missing);
      const request = await chargeRequest();
      await expect(gateway.charge({ ...request, customerId: 'cus_notAtStripe0000' })).rejects.toMatchObject({ name: 'PaymentRequestRejected', field: 'customerId' });
    });
  });
});
