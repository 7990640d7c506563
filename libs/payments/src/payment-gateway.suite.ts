import { randomUUID } from 'node:crypto';
import {
  PaymentGatewayError,
  PaymentProviderRefused,
  PaymentRequestRejected,
  type ChargeOutcome,
  type ChargeRequest,
  type PaymentGateway,
  type RefundOutcome,
  type RefundRequest,
  type TransferOutcome,
  type TransferRequest,
} from './payment-gateway';

/** Concurrent callers racing with one idempotency key in the suite's race test. */
const racingCallers = 5;

/**
 * The behaviour every PaymentGateway adapter must have (the simulated one, and Stripe's in
 * test mode). Each adapter's spec calls this with a factory that gives a fresh gateway. Every
 * test makes its own employers, trainers and keys, so a shared provider account is fine.
 */
export interface OpenedGateway {
  readonly gateway: PaymentGateway;
  dispose(): Promise<void>;
  /** Finishes a new payout account's onboarding the way the provider's own flow does (if it has one). */
  completeOnboarding?(accountId: string): Promise<void>;
}

export interface GatewayTraits {
  /**
   * The simulated provider also guards the escrow (no refund of money already transferred out
   * of a charge, no transfer of money refunded). Stripe does not: its balance is pooled, so
   * only the ledger's own rules keep those apart.
   */
  readonly guardsEscrowAcrossRefundsAndTransfers: boolean;
}

export function paymentGatewaySuite(open: () => Promise<OpenedGateway>, traits: GatewayTraits) {
  let gateway: PaymentGateway;
  let opened: OpenedGateway;

  beforeEach(async () => {
    opened = await open();
    gateway = opened.gateway;
  });
  afterEach(async () => {
    await opened.dispose();
  });

  const key = (what: string) => `suite-${what}-${randomUUID()}`;
  const metadata = { contractId: randomUUID(), milestoneId: randomUUID() };

  async function customerWith(paymentMethodId: string) {
    return gateway.attachPaymentMethod({ idempotencyKey: key('attach'), employerId: `emp-${randomUUID()}`, paymentMethodId });
  }

  async function chargeRequest(testPaymentMethodId: string, amountCents: number): Promise<ChargeRequest> {
    const { customerId, paymentMethodId } = await customerWith(testPaymentMethodId);
    const transferGroup = metadata.contractId;
    return { idempotencyKey: key('charge'), amountCents, currency: 'USD', customerId, paymentMethodId, transferGroup, metadata };
  }

  async function succeededCharge(amountCents: number): Promise<Extract<ChargeOutcome, { status: 'succeeded' }>> {
    const outcome = await gateway.charge(await chargeRequest('pm_card_visa', amountCents));
    if (outcome.status !== 'succeeded') throw new Error(`the visa test card did not succeed: ${JSON.stringify(outcome)}`);
    return outcome;
  }

  async function enabledAccount(): Promise<string> {
    const trainerId = `tr-${randomUUID()}`;
    const account = await gateway.createPayoutAccount({ idempotencyKey: key('account'), trainerId, country: 'US' });
    if (!opened.completeOnboarding) {
      expect(account.payoutsEnabled).toBe(true);
      return account.accountId;
    }
    expect(account.payoutsEnabled).toBe(false);
    await opened.completeOnboarding(account.accountId);
    const onboarded = await gateway.createPayoutAccount({ idempotencyKey: key('account'), trainerId, accountId: account.accountId, country: 'US' });
    expect(onboarded).toMatchObject({ accountId: account.accountId, payoutsEnabled: true });
    return account.accountId;
  }

  function transferRequest(destinationAccountId: string, sourceChargeId: string, amountCents: number): TransferRequest {
    const transferGroup = metadata.contractId;
    return { idempotencyKey: key('transfer'), amountCents, currency: 'USD', destinationAccountId, sourceChargeId, transferGroup, metadata };
  }

  function refundRequest(charge: { paymentIntentId: string; chargeId: string }, amountCents: number): RefundRequest {
    return { idempotencyKey: key('refund'), ...charge, amountCents, currency: 'USD', metadata };
  }

  describe('payment methods and accounts', () => {
    it('attaches known test payment methods, declining ones included, to a new customer', async () => {
      for (const paymentMethodId of ['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex', 'pm_card_chargeDeclined']) {
        const attached = await customerWith(paymentMethodId);
        expect(attached.customerId).toMatch(/^cus_[A-Za-z0-9]+$/);
        // Stripe saves a copy of a test token under a new id; the simulated provider keeps the token's.
        expect(attached.paymentMethodId).toMatch(/^pm_[A-Za-z0-9_]+$/);
      }
    });

    it('refuses an unknown payment method, naming it', async () => {
      const attach = customerWith('pm_card_doesNotExist');
      await expect(attach).rejects.toBeInstanceOf(PaymentRequestRejected);
      await expect(attach).rejects.toMatchObject({
        field: 'paymentMethodId',
        message: "No such PaymentMethod: 'pm_card_doesNotExist'",
      });
    });

    it("reuses the employer's customer on later calls, and gives each employer its own", async () => {
      const employerId = `emp-${randomUUID()}`;
      const first = await gateway.attachPaymentMethod({ idempotencyKey: key('attach'), employerId, paymentMethodId: 'pm_card_visa' });
      const second = await gateway.attachPaymentMethod({ idempotencyKey: key('attach'), employerId, paymentMethodId: 'pm_card_amex' });
      expect(second.customerId).toBe(first.customerId);
      expect((await customerWith('pm_card_visa')).customerId).not.toBe(first.customerId);
    });

    it("reuses the trainer's payout account on later calls, and gives each trainer their own", async () => {
      const trainerId = `tr-${randomUUID()}`;
      const first = await gateway.createPayoutAccount({ idempotencyKey: key('account'), trainerId, country: 'US' });
      const second = await gateway.createPayoutAccount({ idempotencyKey: key('account'), trainerId, country: 'US' });
      expect(first.accountId).toMatch(/^acct_[A-Za-z0-9]+$/);
      expect(second.accountId).toBe(first.accountId);
      const other = await gateway.createPayoutAccount({ idempotencyKey: key('account'), trainerId: `tr-${randomUUID()}`, country: 'US' });
      expect(other.accountId).not.toBe(first.accountId);
    });

    it('opens a new payout account in the country asked for, and says so; an account keeps its country', async () => {
      const trainerId = `tr-${randomUUID()}`;
      const accountKey = key('account');
      const opened = await gateway.createPayoutAccount({ idempotencyKey: accountKey, trainerId, country: 'GB' });
      expect(opened).toMatchObject({ accountId: expect.stringMatching(/^acct_[A-Za-z0-9]+$/), country: 'GB' });
      // The same request again (a retry under its key) finds the same account, in the same country.
      expect(await gateway.createPayoutAccount({ idempotencyKey: accountKey, trainerId, country: 'GB' })).toMatchObject({ accountId: opened.accountId, country: 'GB' });
      // A fresh onboarding link for the known account: still the country it was opened in.
      const known = await gateway.createPayoutAccount({ idempotencyKey: key('account'), trainerId, accountId: opened.accountId, country: 'GB' });
      expect(known).toMatchObject({ accountId: opened.accountId, country: 'GB' });
      for (const country of ['US', 'DE', 'CA']) {
        const elsewhere = await gateway.createPayoutAccount({ idempotencyKey: key('account'), trainerId: `tr-${randomUUID()}`, country });
        expect(elsewhere.country).toBe(country);
      }
    });
  });

  describe('charges', () => {
    it("charges the customer's payment method", async () => {
      for (const paymentMethodId of ['pm_card_visa', 'pm_card_mastercard', 'pm_card_amex']) {
        const outcome = await gateway.charge(await chargeRequest(paymentMethodId, 15_000));
        expect(outcome).toEqual({
          status: 'succeeded',
          paymentIntentId: expect.stringMatching(/^pi_[A-Za-z0-9]+$/),
          chargeId: expect.stringMatching(/^ch_[A-Za-z0-9]+$/),
        });
      }
    });

    it.each([
      ['pm_card_chargeDeclined', 'generic_decline'],
      ['pm_card_chargeDeclinedInsufficientFunds', 'insufficient_funds'],
      ['pm_card_chargeDeclinedExpiredCard', 'expired_card'],
    ])('declines %s with decline code %s', async (paymentMethodId, declineCode) => {
      const outcome = await gateway.charge(await chargeRequest(paymentMethodId, 15_000));
      expect(outcome).toEqual({
        status: 'declined',
        paymentIntentId: expect.stringMatching(/^pi_[A-Za-z0-9]+$/),
        reason: expect.stringMatching(/^Your card /),
        declineCode,
      });
    });

    it("says the generic decline in Stripe's words", async () => {
      const outcome = await gateway.charge(await chargeRequest('pm_card_chargeDeclined', 15_000));
      expect(outcome).toMatchObject({ status: 'declined', reason: 'Your card was declined.' });
    });

    it("refuses a payment method that is not the customer's", async () => {
      const request = await chargeRequest('pm_card_visa', 15_000);
      const other = await customerWith('pm_card_amex');
      await expect(gateway.charge({ ...request, customerId: other.customerId })).rejects.toBeInstanceOf(PaymentRequestRejected);
    });

    it('answers the same key with the same parameters with the first outcome', async () => {
      const request = await chargeRequest('pm_card_visa', 15_000);
      const first = await gateway.charge(request);
      expect(await gateway.charge({ ...request, metadata: { ...request.metadata } })).toEqual(first);
      const declining = await chargeRequest('pm_card_chargeDeclined', 15_000);
      const declined = await gateway.charge(declining);
      expect(await gateway.charge(declining)).toEqual(declined);
    });

    it('refuses the same key with other parameters, for good', async () => {
      const request = await chargeRequest('pm_card_visa', 15_000);
      await gateway.charge(request);
      const reuse = gateway.charge({ ...request, amountCents: 15_001 });
      await expect(reuse).rejects.toBeInstanceOf(PaymentGatewayError);
      await expect(reuse).rejects.toMatchObject({ code: 'idempotency_key_reused', retryable: false });
    });

    it(`lets exactly one of ${racingCallers} concurrent calls with one key charge`, async () => {
      const request = await chargeRequest('pm_card_visa', 15_000);
      const outcomes = await Promise.all(Array.from({ length: racingCallers }, () => gateway.charge(request)));
      expect(outcomes[0]).toMatchObject({ status: 'succeeded' });
      for (const outcome of outcomes) expect(outcome).toEqual(outcomes[0]);
    });
  });

  describe('transfers', () => {
    it('transfers from a succeeded charge to an enabled payout account', async () => {
      const { chargeId } = await succeededCharge(15_000);
      const outcome = await gateway.transfer(transferRequest(await enabledAccount(), chargeId, 15_000));
      expect(outcome).toEqual({ status: 'succeeded', transferId: expect.stringMatching(/^tr_[A-Za-z0-9]+$/) });
    });

    it('refuses a transfer to an unknown account, or from an unknown charge, as a wrong request (not a failed payout)', async () => {
      const { chargeId } = await succeededCharge(15_000);
      const refusal = { name: 'PaymentProviderRefused', retryable: false, code: 'resource_missing', refusal: expect.objectContaining({ type: 'invalid_request_error' }) };
      const toNowhere = gateway.transfer(transferRequest('acct_doesNotExist0', chargeId, 100));
      await expect(toNowhere).rejects.toBeInstanceOf(PaymentProviderRefused);
      await expect(toNowhere).rejects.toMatchObject({ ...refusal, providerMessage: expect.stringContaining('acct_doesNotExist0') });
      const fromNothing = gateway.transfer(transferRequest(await enabledAccount(), 'ch_doesNotExist000', 100));
      await expect(fromNothing).rejects.toMatchObject({ ...refusal, providerMessage: expect.stringContaining('ch_doesNotExist000') });
    });

    it('refuses to transfer more than is left on the source charge', async () => {
      const { chargeId } = await succeededCharge(10_000);
      const accountId = await enabledAccount();
      const transfer = (amountCents: number) => gateway.transfer(transferRequest(accountId, chargeId, amountCents));
      expect(await transfer(6_000)).toMatchObject({ status: 'succeeded' });
      expect(await transfer(4_001)).toEqual({ status: 'failed', reason: expect.any(String) });
      expect(await transfer(4_000)).toMatchObject({ status: 'succeeded' });
      expect(await transfer(1)).toMatchObject({ status: 'failed' });
    });

    it('answers a replayed transfer with the first outcome and moves the money once', async () => {
      const { chargeId } = await succeededCharge(10_000);
      const accountId = await enabledAccount();
      const request = transferRequest(accountId, chargeId, 10_000);
      const first: TransferOutcome = await gateway.transfer(request);
      expect(first).toMatchObject({ status: 'succeeded' });
      expect(await gateway.transfer(request)).toEqual(first);
      // Had the replay moved money again, the charge would be over-transferred; a cent more fails.
      expect(await gateway.transfer(transferRequest(accountId, chargeId, 1))).toMatchObject({ status: 'failed' });
      const reuse = gateway.transfer({ ...request, amountCents: 5_000 });
      await expect(reuse).rejects.toMatchObject({ name: 'PaymentGatewayError', code: 'idempotency_key_reused', retryable: false });
    });
  });

  describe('refunds', () => {
    const failed = { status: 'failed', reason: expect.any(String) };

    it('refunds a whole succeeded charge, and nothing more', async () => {
      const charge = await succeededCharge(15_000);
      const outcome = await gateway.refund(refundRequest(charge, 15_000));
      expect(outcome).toEqual({ status: 'succeeded', refundId: expect.stringMatching(/^re_[A-Za-z0-9]+$/) });
      expect(await gateway.refund(refundRequest(charge, 1))).toEqual(failed);
    });

    it('refunds part of a charge, then the rest, and nothing more', async () => {
      const charge = await succeededCharge(15_000);
      const refund = (amountCents: number) => gateway.refund(refundRequest(charge, amountCents));
      const first = await refund(4_000);
      const second = await refund(11_000);
      expect(first).toMatchObject({ status: 'succeeded' });
      expect(second).toMatchObject({ status: 'succeeded' });
      expect(first).not.toEqual(second);
      expect(await refund(1)).toEqual(failed);
    });

    it('refuses to refund more than the charge, and moves nothing when it refuses', async () => {
      const charge = await succeededCharge(15_000);
      expect(await gateway.refund(refundRequest(charge, 15_001))).toEqual(failed);
      expect(await gateway.refund(refundRequest(charge, 15_000))).toMatchObject({ status: 'succeeded' });
    });

    it('fails a refund through an unknown charge', async () => {
      expect(await gateway.refund(refundRequest({ paymentIntentId: 'pi_doesNotExist000000000000', chargeId: 'ch_doesNotExist000' }, 100))).toEqual(failed);
    });

    const escrowGuard = traits.guardsEscrowAcrossRefundsAndTransfers ? it : it.skip;

    escrowGuard('refunds only what was not transferred out of the charge: money paid to a trainer stays paid', async () => {
      const charge = await succeededCharge(10_000);
      expect(await gateway.transfer(transferRequest(await enabledAccount(), charge.chargeId, 6_000))).toMatchObject({ status: 'succeeded' });
      expect(await gateway.refund(refundRequest(charge, 4_001))).toEqual(failed);
      expect(await gateway.refund(refundRequest(charge, 4_000))).toMatchObject({ status: 'succeeded' });
    });

    escrowGuard('transfers only what was not refunded', async () => {
      const charge = await succeededCharge(10_000);
      const accountId = await enabledAccount();
      expect(await gateway.refund(refundRequest(charge, 4_000))).toMatchObject({ status: 'succeeded' });
      expect(await gateway.transfer(transferRequest(accountId, charge.chargeId, 6_001))).toEqual(failed);
      expect(await gateway.transfer(transferRequest(accountId, charge.chargeId, 6_000))).toMatchObject({ status: 'succeeded' });
      expect(await gateway.refund(refundRequest(charge, 1))).toEqual(failed);
    });

    it('answers a replayed refund with the first outcome and refunds once', async () => {
      const charge = await succeededCharge(10_000);
      const request = refundRequest(charge, 10_000);
      const first: RefundOutcome = await gateway.refund(request);
      expect(first).toMatchObject({ status: 'succeeded' });
      expect(await gateway.refund({ ...request, metadata: { ...request.metadata } })).toEqual(first);
      // Had the replay refunded again, the charge would be over-refunded; a cent more fails.
      expect(await gateway.refund(refundRequest(charge, 1))).toMatchObject({ status: 'failed' });
    });

    it('refuses the same refund key with other parameters, for good', async () => {
      const charge = await succeededCharge(10_000);
      const request = refundRequest(charge, 4_000);
      await gateway.refund(request);
      const reuse = gateway.refund({ ...request, amountCents: 5_000 });
      await expect(reuse).rejects.toBeInstanceOf(PaymentGatewayError);
      await expect(reuse).rejects.toMatchObject({ code: 'idempotency_key_reused', retryable: false });
    });

    it(`lets exactly one of ${racingCallers} concurrent refunds with one key refund`, async () => {
      const charge = await succeededCharge(10_000);
      const request = refundRequest(charge, 6_000);
      const outcomes = await Promise.all(Array.from({ length: racingCallers }, () => gateway.refund(request)));
      expect(outcomes[0]).toMatchObject({ status: 'succeeded' });
      for (const outcome of outcomes) expect(outcome).toEqual(outcomes[0]);
      // 4,000 cents are left exactly when only one of the racing calls refunded.
      expect(await gateway.refund(refundRequest(charge, 4_001))).toMatchObject({ status: 'failed' });
      expect(await gateway.refund(refundRequest(charge, 4_000))).toMatchObject({ status: 'succeeded' });
    });
  });

  describe('subscriptions (agency plans, billed apart from milestone charges)', () => {
    /** The default plans' price (SUBSCRIPTION_PLANS); the Stripe test server knows it as a test account would. */
    const priceId = 'price_agency_basic_monthly';

    async function subscriptionRequest() {
      const employerId = `emp-${randomUUID()}`;
      const { customerId, paymentMethodId } = await gateway.attachPaymentMethod({ idempotencyKey: key('attach'), employerId, paymentMethodId: 'pm_card_visa' });
      return { idempotencyKey: key('subscription'), employerId, customerId, paymentMethodId, priceId, planId: 'agency_basic' };
    }

    it("starts an active subscription on the customer's payment method, with its period end and the provider's invoice", async () => {
      const started = await gateway.createSubscription(await subscriptionRequest());
      expect(started).toEqual({
        subscriptionId: expect.stringMatching(/^sub_[A-Za-z0-9]+$/),
        status: 'active',
        currentPeriodEnd: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/),
        latestInvoiceId: expect.stringMatching(/^in_[A-Za-z0-9]+$/),
      });
      const days = (Date.parse(started.currentPeriodEnd) - Date.now()) / 86_400_000;
      expect(days).toBeGreaterThan(27);
      expect(days).toBeLessThan(32);
    });

    it('answers the same key with the same subscription: a retry never subscribes twice', async () => {
      const request = await subscriptionRequest();
      const first = await gateway.createSubscription(request);
      expect(await gateway.createSubscription(request)).toEqual(first);
      // Another key is another subscription: only the caller's key keeps retries to one.
      expect((await gateway.createSubscription({ ...request, idempotencyKey: key('subscription') })).subscriptionId).not.toBe(first.subscriptionId);
    });

    it('cancels a subscription at once; canceling it again, under any key, answers the same cancel', async () => {
      const { subscriptionId } = await gateway.createSubscription(await subscriptionRequest());
      const before = Date.now();
      const canceled = await gateway.cancelSubscription({ idempotencyKey: key('cancel'), subscriptionId });
      expect(canceled).toEqual({ subscriptionId, status: 'canceled', canceledAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.000Z$/) });
      expect(Math.abs(Date.parse(canceled.canceledAt) - before)).toBeLessThan(60_000);
      // A retry, and a second cancel from elsewhere: the first cancel, not a failure.
      const cancelRequest = { idempotencyKey: key('cancel'), subscriptionId };
      expect(await gateway.cancelSubscription(cancelRequest)).toEqual(canceled);
      expect(await gateway.cancelSubscription(cancelRequest)).toEqual(canceled);
    });

    it('refuses to cancel a subscription it does not have', async () => {
      await expect(gateway.cancelSubscription({ idempotencyKey: key('cancel'), subscriptionId: 'sub_doesNotExist0000' })).rejects.toThrow(/No such subscription/);
    });
  });
}
