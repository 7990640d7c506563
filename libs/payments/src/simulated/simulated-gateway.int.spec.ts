import { randomUUID } from 'node:crypto';
import { describeEachDatabase, withDatabase, type DatabaseTarget } from '../../../../test/support/databases';
import { paymentGatewaySuite } from '../payment-gateway.suite';
import type { ChargeRequest, RefundRequest, TransferRequest } from '../payment-gateway';
import { SimulatedPaymentGateway } from './simulated-gateway';

// One database per suite: opening an embedded database per test cost minutes. Every test uses
// fresh ids and keys, so the tests cannot see each other's rows.
describeEachDatabase('SimulatedPaymentGateway (shared adapter suite)', (target) => {
  const database = withDatabase(target);
  paymentGatewaySuite(async () => {
    const gateway = await SimulatedPaymentGateway.open(database.db);
    return { gateway, dispose: async () => undefined };
  }, { guardsEscrowAcrossRefundsAndTransfers: true });
});

describeEachDatabase('SimulatedPaymentGateway', (target: DatabaseTarget) => {
  // Emptied before each test: these tests count what the whole gateway did.
  const database = withDatabase(target, { emptyBeforeEach: true });
  let gateway: SimulatedPaymentGateway;
  beforeEach(async () => {
    gateway = await SimulatedPaymentGateway.open(database.db);
  });

  const key = (what: string) => `sim-${what}-${randomUUID()}`;
  const metadata = { contractId: 'c-1', milestoneId: 'm-1' };

  async function chargeRequest(amountCents: number, paymentMethodId = 'pm_card_visa'): Promise<ChargeRequest> {
    const employerId = `emp-${randomUUID()}`;
    const { customerId } = await gateway.attachPaymentMethod({ idempotencyKey: key('attach'), employerId, paymentMethodId });
    return { idempotencyKey: key('charge'), amountCents, currency: 'USD', customerId, paymentMethodId, transferGroup: 'c-1', metadata };
  }

  async function transferRequest(sourceChargeId: string, amountCents: number): Promise<TransferRequest> {
    const { accountId } = await gateway.createPayoutAccount({ idempotencyKey: key('account'), trainerId: `tr-${randomUUID()}`, country: 'US' });
    const destinationAccountId = accountId;
    return { idempotencyKey: key('transfer'), amountCents, currency: 'USD', destinationAccountId, sourceChargeId, transferGroup: 'c-1', metadata };
  }

  /** Refunds name both the payment intent and its charge; the tests mostly hold the charge. */
  const paymentIntentOf = new Map<string, string>();

  function refundRequest(chargeId: string, amountCents: number): RefundRequest {
    const paymentIntentId = paymentIntentOf.get(chargeId) ?? 'pi_neverCharged';
    return { idempotencyKey: key('refund'), paymentIntentId, chargeId, amountCents, currency: 'USD', metadata };
  }

  async function chargeId(request: ChargeRequest): Promise<string> {
    const outcome = await gateway.charge(request);
    if (outcome.status !== 'succeeded') throw new Error('the visa test card was declined');
    paymentIntentOf.set(outcome.chargeId, outcome.paymentIntentId);
    return outcome.chargeId;
  }

  it('gives a simulated onboarding URL and enables payouts at once', async () => {
    const account = await gateway.createPayoutAccount({ idempotencyKey: key('account'), trainerId: 'tr-1', country: 'US' });
    expect(account).toEqual({
      accountId: expect.stringMatching(/^acct_[A-Za-z0-9]{16}$/),
      country: 'US',
      payoutsEnabled: true,
      onboardingUrl: `https://connect.simulated.local/onboarding/${account.accountId}`,
    });
  });

  it('remembers keys and charges across a reopening on the same database', async () => {
    const request = await chargeRequest(15_000);
    const first = await gateway.charge(request);
    const transfer = await transferRequest(await chargeId(await chargeRequest(9_000)), 9_000);
    const transferred = await gateway.transfer(transfer);
    const refund = refundRequest(await chargeId(await chargeRequest(3_000)), 3_000);
    const refunded = await gateway.refund(refund);

    const reopened = await SimulatedPaymentGateway.open(database.db);
    expect(await reopened.charge(request)).toEqual(first);
    expect(await reopened.transfer(transfer)).toEqual(transferred);
    expect(await reopened.refund(refund)).toEqual(refunded);
    expect(await reopened.callCount('charge')).toBe(3);
    expect(await reopened.callCount('transfer')).toBe(1);
    expect(await reopened.callCount('refund')).toBe(1);
    expect(await reopened.refund(refundRequest(refund.chargeId, 1))).toMatchObject({ status: 'failed' });
    await expect(reopened.charge({ ...request, amountCents: 1 })).rejects.toMatchObject({ code: 'idempotency_key_reused' });
    expect(await reopened.movements()).toEqual(await gateway.movements());
  });

  it('lists the money that moved, succeeded charges and transfers only, oldest first', async () => {
    const visa = await chargeRequest(15_000);
    const visaChargeId = await chargeId(visa);
    await gateway.charge(await chargeRequest(2_000, 'pm_card_chargeDeclined'));
    const amex = await chargeRequest(700, 'pm_card_amex');
    const amexChargeId = await chargeId(amex);
    const transfer = await transferRequest(visaChargeId, 12_000);
    const transferred = await gateway.transfer(transfer);
    await gateway.transfer({ ...(await transferRequest(amexChargeId, 701)) });

    const { charges, transfers } = await gateway.movements();
    expect(charges.map((c) => [c.chargeId, c.amountCents, c.customerId, c.transferGroup, c.metadata])).toEqual([
      [visaChargeId, 15_000, visa.customerId, 'c-1', metadata],
      [amexChargeId, 700, amex.customerId, 'c-1', metadata],
    ]);
    expect(charges[0]!.paymentIntentId).toMatch(/^pi_/);
    expect(transfers).toEqual([
      {
        transferId: transferred.status === 'succeeded' ? transferred.transferId : 'none',
        amountCents: 12_000,
        destinationAccountId: transfer.destinationAccountId,
        sourceChargeId: visaChargeId,
        transferGroup: 'c-1',
        metadata,
      },
    ]);
    expect(await gateway.callCount('charge')).toBe(3);
    expect(await gateway.callCount('transfer')).toBe(1);
  });

  it('lists refunds, oldest first, and counts the refund calls that acted', async () => {
    const visaChargeId = await chargeId(await chargeRequest(15_000));
    const first = await gateway.refund(refundRequest(visaChargeId, 5_000));
    await gateway.refund(refundRequest(visaChargeId, 10_001));
    const second = await gateway.refund(refundRequest(visaChargeId, 10_000));
    const refundId = (outcome: typeof first) => (outcome.status === 'succeeded' ? outcome.refundId : 'none');

    expect((await gateway.movements()).refunds).toEqual([
      { refundId: refundId(first), chargeId: visaChargeId, amountCents: 5_000, metadata },
      { refundId: refundId(second), chargeId: visaChargeId, amountCents: 10_000, metadata },
    ]);
    expect(refundId(first)).toMatch(/^re_[A-Za-z0-9]{24}$/);
    expect(await gateway.callCount('refund')).toBe(2);
  });

  it('refunds once for concurrent refunds with one key', async () => {
    const request = refundRequest(await chargeId(await chargeRequest(15_000)), 6_000);
    const outcomes = await Promise.all([gateway.refund(request), gateway.refund(request), gateway.refund(request)]);
    for (const outcome of outcomes) expect(outcome).toEqual(outcomes[0]);
    expect(await gateway.callCount('refund')).toBe(1);
    expect((await gateway.movements()).refunds.map((r) => r.amountCents)).toEqual([6_000]);
  });

  it('lets only one of a concurrent refund and transfer take what is left on a charge', async () => {
    const sourceChargeId = await chargeId(await chargeRequest(10_000));
    const transfer = await transferRequest(sourceChargeId, 6_000);
    const outcomes = await Promise.all([gateway.refund(refundRequest(sourceChargeId, 6_000)), gateway.transfer(transfer)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['failed', 'succeeded']);
    const { transfers, refunds } = await gateway.movements();
    expect(transfers.length + refunds.length).toBe(1);
  });

  it('lets only one of two concurrent refunds take what is left on a charge', async () => {
    const sourceChargeId = await chargeId(await chargeRequest(10_000));
    const outcomes = await Promise.all([
      gateway.refund(refundRequest(sourceChargeId, 6_000)),
      gateway.refund(refundRequest(sourceChargeId, 6_000)),
    ]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['failed', 'succeeded']);
    expect((await gateway.movements()).refunds).toHaveLength(1);
  });

  it('keeps no outcome for a refused refund, so its key stays free', async () => {
    const sourceChargeId = await chargeId(await chargeRequest(5_000));
    const request = refundRequest(sourceChargeId, 5_001);
    const refused = await gateway.refund(request);
    expect(refused).toEqual({
      status: 'failed',
      reason: `Refund of 5001 cents exceeds the 5000 cents left on charge '${sourceChargeId}' (not yet refunded or transferred)`,
    });
    expect(await gateway.callCount('refund')).toBe(0);
    expect(await gateway.refund({ ...request, amountCents: 5_000 })).toMatchObject({ status: 'succeeded' });
  });

  it('names the unknown charge a refund was asked of', async () => {
    expect(await gateway.refund(refundRequest('ch_unknown', 100))).toEqual({ status: 'failed', reason: "No such charge: 'ch_unknown'" });
  });

  it('counts only calls that acted: one for concurrent calls with one key', async () => {
    const request = await chargeRequest(15_000);
    await Promise.all([gateway.charge(request), gateway.charge(request), gateway.charge(request)]);
    expect(await gateway.callCount('charge')).toBe(1);
    expect((await gateway.movements()).charges).toHaveLength(1);
  });

  it('lets only one of two concurrent transfers take what is left on a charge', async () => {
    const sourceChargeId = await chargeId(await chargeRequest(10_000));
    const first = await transferRequest(sourceChargeId, 6_000);
    const second = { ...first, idempotencyKey: key('transfer') };
    const outcomes = await Promise.all([gateway.transfer(first), gateway.transfer(second)]);
    expect(outcomes.map((outcome) => outcome.status).sort()).toEqual(['failed', 'succeeded']);
    expect((await gateway.movements()).transfers).toHaveLength(1);
  });

  it('scopes keys per kind of operation', async () => {
    const request = await chargeRequest(15_000);
    const sourceChargeId = await chargeId(request);
    const transfer = { ...(await transferRequest(sourceChargeId, 100)), idempotencyKey: request.idempotencyKey };
    expect(await gateway.transfer(transfer)).toMatchObject({ status: 'succeeded' });
  });

  it('keeps no outcome for a refused transfer, so a retry with the same key can still succeed', async () => {
    const sourceChargeId = await chargeId(await chargeRequest(5_000));
    const request = await transferRequest(sourceChargeId, 5_000);
    const refused = gateway.transfer({ ...request, destinationAccountId: 'acct_unknown' });
    await expect(refused).rejects.toMatchObject({ name: 'PaymentProviderRefused', providerMessage: "No such destination: 'acct_unknown'" });
    expect(await gateway.callCount('transfer')).toBe(0);
    expect(await gateway.transfer(request)).toMatchObject({ status: 'succeeded' });
  });

  it('asserts an amount is a positive integer of cents', async () => {
    const request = await chargeRequest(15_000);
    for (const amountCents of [0, -5, 10.5, Number.MAX_SAFE_INTEGER + 1]) {
      await expect(gateway.charge({ ...request, amountCents })).rejects.toMatchObject({ name: 'InvariantViolation' });
    }
    expect(await gateway.callCount('charge')).toBe(0);
    const refund = refundRequest(await chargeId(request), 100);
    for (const amountCents of [0, -5, 10.5, Number.MAX_SAFE_INTEGER + 1]) {
      await expect(gateway.refund({ ...refund, amountCents })).rejects.toMatchObject({ name: 'InvariantViolation' });
    }
    expect(await gateway.callCount('refund')).toBe(0);
  });

  describe('injected faults', () => {
    it('before_apply: fails retryably without acting; the retry with the same key charges once', async () => {
      const request = await chargeRequest(15_000);
      gateway.injectFault({ kind: 'charge', when: 'before_apply', times: 2 });
      for (let attempt = 0; attempt < 2; attempt++) {
        await expect(gateway.charge(request)).rejects.toMatchObject({
          name: 'PaymentGatewayError',
          message: 'simulated network failure',
          retryable: true,
          code: 'connection_error',
        });
      }
      expect(await gateway.callCount('charge')).toBe(0);
      expect(await gateway.charge(request)).toMatchObject({ status: 'succeeded' });
      expect(await gateway.callCount('charge')).toBe(1);
    });

    it('after_apply: charges and keeps the outcome, then fails; the retry returns that outcome', async () => {
      const request = await chargeRequest(15_000);
      gateway.injectFault({ kind: 'charge', when: 'after_apply', times: 1 });
      await expect(gateway.charge(request)).rejects.toMatchObject({ retryable: true, code: 'connection_error' });
      expect(await gateway.callCount('charge')).toBe(1);
      const [charged] = (await gateway.movements()).charges;
      expect(await gateway.charge(request)).toEqual({
        status: 'succeeded',
        paymentIntentId: charged!.paymentIntentId,
        chargeId: charged!.chargeId,
      });
      expect(await gateway.callCount('charge')).toBe(1);
    });

    it('breaks only the kind of call it names', async () => {
      const sourceChargeId = await chargeId(await chargeRequest(5_000));
      const request = await transferRequest(sourceChargeId, 5_000);
      gateway.injectFault({ kind: 'transfer', when: 'after_apply', times: 1 });
      expect(await gateway.charge(await chargeRequest(100))).toMatchObject({ status: 'succeeded' });
      await expect(gateway.transfer(request)).rejects.toMatchObject({ code: 'connection_error' });
      const [moved] = (await gateway.movements()).transfers;
      expect(await gateway.transfer(request)).toEqual({ status: 'succeeded', transferId: moved!.transferId });
      expect(await gateway.callCount('transfer')).toBe(1);
    });

    it('before_apply on a transfer moves nothing', async () => {
      const sourceChargeId = await chargeId(await chargeRequest(5_000));
      const request = await transferRequest(sourceChargeId, 5_000);
      gateway.injectFault({ kind: 'transfer', when: 'before_apply', times: 1 });
      await expect(gateway.transfer(request)).rejects.toMatchObject({ retryable: true });
      expect((await gateway.movements()).transfers).toEqual([]);
      expect(await gateway.transfer(request)).toMatchObject({ status: 'succeeded' });
    });

    it('before_apply on a refund refunds nothing; the retry with the same key refunds once', async () => {
      const request = refundRequest(await chargeId(await chargeRequest(5_000)), 5_000);
      gateway.injectFault({ kind: 'refund', when: 'before_apply', times: 2 });
      for (let attempt = 0; attempt < 2; attempt++) {
        await expect(gateway.refund(request)).rejects.toMatchObject({ retryable: true, code: 'connection_error' });
      }
      expect((await gateway.movements()).refunds).toEqual([]);
      expect(await gateway.refund(request)).toMatchObject({ status: 'succeeded' });
      expect(await gateway.callCount('refund')).toBe(1);
    });

    it('after_apply on a refund refunds and keeps the outcome; the retry returns it and refunds no more', async () => {
      const request = refundRequest(await chargeId(await chargeRequest(5_000)), 2_000);
      gateway.injectFault({ kind: 'refund', when: 'after_apply', times: 1 });
      await expect(gateway.refund(request)).rejects.toMatchObject({ retryable: true, code: 'connection_error' });
      const [refunded] = (await gateway.movements()).refunds;
      expect(refunded).toMatchObject({ chargeId: request.chargeId, amountCents: 2_000 });
      expect(await gateway.refund(request)).toEqual({ status: 'succeeded', refundId: refunded!.refundId });
      expect(await gateway.callCount('refund')).toBe(1);
      expect((await gateway.movements()).refunds).toHaveLength(1);
    });

    it('a refund fault breaks refunds only, and a transfer fault leaves refunds alone', async () => {
      const sourceChargeId = await chargeId(await chargeRequest(5_000));
      gateway.injectFault({ kind: 'transfer', when: 'before_apply', times: 1 });
      expect(await gateway.refund(refundRequest(sourceChargeId, 1_000))).toMatchObject({ status: 'succeeded' });
      gateway.injectFault({ kind: 'refund', when: 'before_apply', times: 1 });
      await expect(gateway.transfer(await transferRequest(sourceChargeId, 1_000))).rejects.toMatchObject({ code: 'connection_error' });
      expect(await gateway.transfer(await transferRequest(sourceChargeId, 1_000))).toMatchObject({ status: 'succeeded' });
      await expect(gateway.refund(refundRequest(sourceChargeId, 1_000))).rejects.toMatchObject({ code: 'connection_error' });
      expect(await gateway.refund(refundRequest(sourceChargeId, 1_000))).toMatchObject({ status: 'succeeded' });
      expect((await gateway.movements()).refunds.map((r) => r.amountCents)).toEqual([1_000, 1_000]);
    });
  });
});
