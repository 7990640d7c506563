import type Stripe from 'stripe';
import {
  PaymentGatewayError,
  PaymentProviderRefused,
  PaymentRequestRejected,
  type ChargeOutcome,
  type ChargeRequest,
  type Metadata,
  type PaymentGateway,
  type PaymentMethodRequest,
  type PayoutAccount,
  type PayoutAccountRequest,
  type RefundOutcome,
  type RefundRequest,
  type SetupIntent,
  type SetupIntentRequest,
  type CanceledSubscription,
  type Subscription,
  type SubscriptionCancelRequest,
  type SubscriptionRequest,
  type TransferOutcome,
  type TransferRequest,
} from '../payment-gateway';
import {
  providerMovementsCountMax,
  type MovementKind,
  type ProviderCharge,
  type ProviderMovement,
  type ProviderMovements,
  type ProviderRefund,
  type ProviderTransfer,
  type ReconciliationPeriod,
} from '../reconciliation/provider-movements';
import { createStripeClient, type StripeClientOptions } from './stripe-client';
import { isCardError, isStripeError, toGatewayError, transferStateRefusalCodes } from './stripe-errors';

export interface StripeGatewayOptions extends StripeClientOptions {
  readonly connectReturnUrl: string;
  readonly connectRefreshUrl: string;
}

/** A concurrent request holding the same idempotency key finishes in well under this. */
const keyInUseRetriesMax = 40;
const keyInUseRetryDelayMs = 50;

/**
 * The production payment provider: separate charges and transfers on Stripe Connect. Money
 * moves only through PaymentIntents (funding), Transfers (release, linked to the funding charge
 * by `source_transaction` and `transfer_group`) and Refunds (on the PaymentIntent); every such
 * call carries the caller's idempotency key.
 */
export class StripePaymentGateway implements PaymentGateway {
  readonly name = 'stripe';
  readonly stripe: Stripe;

  constructor(private readonly options: StripeGatewayOptions) {
    this.stripe = createStripeClient(options);
  }

  async attachPaymentMethod(request: PaymentMethodRequest): Promise<{ customerId: string; paymentMethodId: string }> {
    const customerId = request.customerId ?? (await this.customerFor(request.employerId));
    try {
      const method = await this.call('attach payment method', () =>
        this.stripe.paymentMethods.attach(request.paymentMethodId, { customer: customerId }, { idempotencyKey: request.idempotencyKey }),
      );
      return { customerId, paymentMethodId: method.id };
    } catch (error) {
      // The employer's payment method refused (unknown, used elsewhere): their input, a 400 naming it.
      throw callerInputOr(error, { payment_method: 'paymentMethodId', id: 'paymentMethodId' });
    }
  }

  async createSetupIntent(request: SetupIntentRequest): Promise<SetupIntent> {
    const customerId = request.customerId ?? (await this.customerFor(request.employerId));
    const intent = await this.call('create setup intent', () =>
      this.stripe.setupIntents.create(
        { customer: customerId, usage: 'off_session', automatic_payment_methods: { enabled: true }, metadata: { employerId: request.employerId } },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    if (!intent.client_secret) throw new PaymentGatewayError('create setup intent: Stripe returned no client secret', false, 'unexpected_response');
    return { customerId, setupIntentId: intent.id, clientSecret: intent.client_secret };
  }

  async createPayoutAccount(request: PayoutAccountRequest): Promise<PayoutAccount> {
    const account = request.accountId
      ? await this.call('retrieve account', () => this.stripe.accounts.retrieve(request.accountId!))
      : await this.call('create account', () =>
          this.stripe.accounts.create(
            {
              type: 'express',
              country: request.country,
              capabilities: { transfers: { requested: true } },
              metadata: { trainerId: request.trainerId },
            },
            // One account per trainer, even when two requests race; our log records it right after.
            { idempotencyKey: `account:${request.trainerId}` },
          ),
        );
    // Links expire within minutes and move no money: a fresh one every time, no idempotency key.
    const link = await this.call('create account link', () =>
      this.stripe.accountLinks.create({
        account: account.id,
        refresh_url: this.options.connectRefreshUrl,
        return_url: this.options.connectReturnUrl,
        type: 'account_onboarding',
      }),
    );
    return { accountId: account.id, country: account.country ?? request.country, payoutsEnabled: payoutsEnabled(account), onboardingUrl: link.url };
  }

  async createSubscription(request: SubscriptionRequest): Promise<Subscription> {
    const subscription = await this.call('create subscription', () =>
      this.stripe.subscriptions.create(
        {
          customer: request.customerId,
          items: [{ price: request.priceId }],
          default_payment_method: request.paymentMethodId,
          // Webhooks about the subscription name no request of ours: these say whose it is.
          metadata: { employerId: request.employerId, planId: request.planId },
        },
        { idempotencyKey: request.idempotencyKey },
      ),
    );
    return subscriptionOf(subscription, 'create subscription');
  }

  async cancelSubscription(request: SubscriptionCancelRequest): Promise<CanceledSubscription> {
    const { subscriptionId, idempotencyKey } = request;
    let subscription: Stripe.Subscription;
    try {
      subscription = await this.call('cancel subscription', () => this.stripe.subscriptions.cancel(subscriptionId, {}, { idempotencyKey }));
    } catch (error) {
      // Stripe answers a cancel of a canceled subscription "No such subscription", yet still serves it.
      if (!isResourceMissing(error)) throw error;
      subscription = await this.call('retrieve subscription', () => this.stripe.subscriptions.retrieve(subscriptionId));
    }
    return canceledSubscriptionOf(subscription);
  }

  async charge(request: ChargeRequest): Promise<ChargeOutcome> {
    try {
      const intent = await this.call('charge', () =>
        this.stripe.paymentIntents.create(
          {
            amount: request.amountCents,
            currency: currency(request.currency),
            customer: request.customerId,
            payment_method: request.paymentMethodId,
            off_session: true,
            confirm: true,
            transfer_group: request.transferGroup,
            metadata: stamped(request),
          },
          { idempotencyKey: request.idempotencyKey },
        ),
      );
      return chargeOutcome(intent);
    } catch (error) {
      // A card decline is the charge's business outcome; a refused request is not (the caller decides what it means).
      if (isCardError(error)) {
        const intent = error.payment_intent as Stripe.PaymentIntent | undefined;
        return { status: 'declined', paymentIntentId: intent?.id ?? null, reason: error.message, declineCode: error.decline_code || error.code || null };
      }
      throw callerInputOr(error, { payment_method: 'paymentMethodId', customer: 'customerId' });
    }
  }

  async transfer(request: TransferRequest): Promise<TransferOutcome> {
    try {
      const transfer = await this.call('transfer', () =>
        this.stripe.transfers.create(
          {
            amount: request.amountCents,
            currency: currency(request.currency),
            destination: request.destinationAccountId,
            source_transaction: request.sourceChargeId,
            transfer_group: request.transferGroup,
            metadata: stamped(request),
          },
          { idempotencyKey: request.idempotencyKey },
        ),
      );
      return { status: 'succeeded', transferId: transfer.id };
    } catch (error) {
      // Refused for the state of the money (transfers not enabled yet, nothing left on the charge):
      // nothing moved, the payout may go later. Any other refusal is our request's fault: thrown.
      if (error instanceof PaymentProviderRefused && transferStateRefusalCodes.has(error.refusal.code ?? '')) {
        return { status: 'failed', reason: error.providerMessage };
      }
      throw error;
    }
  }

  async refund(request: RefundRequest): Promise<RefundOutcome> {
    try {
      const refund = await this.call('refund', () =>
        this.stripe.refunds.create(
          { payment_intent: request.paymentIntentId, amount: request.amountCents, metadata: stamped(request) },
          { idempotencyKey: request.idempotencyKey },
        ),
      );
      if (refund.status === 'failed' || refund.status === 'canceled') {
        return { status: 'failed', reason: refund.failure_reason ?? `refund ${refund.status}` };
      }
      // `pending` refunds are committed by Stripe; a later failure arrives as a webhook.
      return { status: 'succeeded', refundId: refund.id };
    } catch (error) {
      // Refused (already refunded, charged back, more than is left): nothing moved; a person decides.
      if (error instanceof PaymentProviderRefused && error.refusal.type === 'invalid_request_error') return { status: 'failed', reason: error.providerMessage };
      throw error;
    }
  }

  async findCharge(request: ChargeRequest): Promise<ChargeOutcome | null> {
    const found = await this.call('search payment intents', () =>
      this.stripe.paymentIntents.search({ query: `metadata['${requestKeyField}']:'${searchValue(request.idempotencyKey)}'`, limit: 10 }),
    );
    const intent = found.data.find((candidate) => candidate.metadata[requestKeyField] === request.idempotencyKey);
    return intent ? chargeOutcome(intent) : null;
  }

  async findTransfer(request: TransferRequest): Promise<TransferOutcome | null> {
    const transfers = await this.call('list transfers', () => this.stripe.transfers.list({ transfer_group: request.transferGroup, limit: 100 }));
    const transfer = transfers.data.find((candidate) => candidate.metadata.milestoneId === request.metadata.milestoneId);
    return transfer ? { status: 'succeeded', transferId: transfer.id } : null;
  }

  async findRefund(request: RefundRequest): Promise<RefundOutcome | null> {
    const refunds = await this.call('list refunds', () => this.stripe.refunds.list({ payment_intent: request.paymentIntentId, limit: 100 }));
    const refund = refunds.data.find((candidate) => candidate.metadata?.[requestKeyField] === request.idempotencyKey);
    if (!refund) return null;
    if (refund.status === 'failed' || refund.status === 'canceled') return { status: 'failed', reason: refund.failure_reason ?? `refund ${refund.status}` };
    return { status: 'succeeded', refundId: refund.id };
  }

  async paymentMetadata(paymentIntentId: string): Promise<Metadata | null> {
    try {
      const intent = await this.call('retrieve payment intent', () => this.stripe.paymentIntents.retrieve(paymentIntentId));
      const { contractId, milestoneId } = intent.metadata;
      return contractId && milestoneId ? { contractId, milestoneId } : null;
    } catch (error) {
      if (isResourceMissing(error)) return null;
      throw error;
    }
  }

  async listMovements(period: ReconciliationPeriod): Promise<ProviderMovements> {
    // Stripe filters in whole seconds: widen to whole seconds; the caller compares exact times.
    const created = { gte: Math.floor(period.from.getTime() / 1000), lt: Math.ceil(period.to.getTime() / 1000) };
    const list = { created, limit: listPageSize };
    return {
      charges: await this.listAll('list charges', this.stripe.charges.list(list), providerCharge),
      transfers: await this.listAll('list transfers', this.stripe.transfers.list(list), providerTransfer),
      refunds: await this.listAll('list refunds', this.stripe.refunds.list(list), providerRefund),
    };
  }

  async retrieveMovement<K extends MovementKind>(kind: K, id: string): Promise<ProviderMovement<K> | null> {
    try {
      const found = await this.call(`retrieve ${kind}`, (): Promise<ProviderCharge | ProviderTransfer | ProviderRefund> => {
        if (kind === 'charge') return this.stripe.charges.retrieve(id).then(providerCharge);
        if (kind === 'transfer') return this.stripe.transfers.retrieve(id).then(providerTransfer);
        return this.stripe.refunds.retrieve(id).then(providerRefund);
      });
      return found as ProviderMovement<K>;
    } catch (error) {
      if (isResourceMissing(error)) return null;
      throw error;
    }
  }

  /** Follows Stripe's pagination to the end; a page that fails fails the whole list (no partial report). */
  private async listAll<T, R>(operation: string, pages: AsyncIterable<T>, map: (item: T) => R): Promise<R[]> {
    const all: R[] = [];
    try {
      for await (const item of pages) {
        if (all.length >= providerMovementsCountMax) {
          throw new PaymentGatewayError(`${operation}: more than ${providerMovementsCountMax} objects, narrow the period`, false, 'too_many_objects');
        }
        all.push(map(item));
      }
    } catch (error) {
      if (error instanceof PaymentGatewayError) throw error;
      throw toGatewayError(error, operation);
    }
    return all;
  }

  /**
   * One Stripe customer per employer. The key is derived from the employer, so racing or retried
   * calls get the same customer; the caller records it in the employer's stream, which outlives
   * Stripe's 24-hour key memory.
   */
  private async customerFor(employerId: string): Promise<string> {
    const customer = await this.call('create customer', () =>
      this.stripe.customers.create({ metadata: { employerId } }, { idempotencyKey: `customer:${employerId}` }),
    );
    return customer.id;
  }

  /**
   * Runs one Stripe request. A 409 means another request with the same key is still being
   * applied: waiting for it is safe and gives its outcome, so that is the one retry done here.
   * Card declines are left for the charge to read; everything else becomes a PaymentGatewayError
   * (retryable or not), a refusal of our request a PaymentProviderRefused with Stripe's details.
   */
  private async call<T>(operation: string, request: () => Promise<T>): Promise<T> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await request();
      } catch (error) {
        if (isStripeError(error) && error.statusCode === 409 && attempt < keyInUseRetriesMax) {
          await new Promise((resolve) => setTimeout(resolve, keyInUseRetryDelayMs * (1 + Math.random())));
          continue;
        }
        if (isCardError(error)) throw error;
        throw toGatewayError(error, operation);
      }
    }
  }
}

function chargeOutcome(intent: Stripe.PaymentIntent): ChargeOutcome {
  switch (intent.status) {
    case 'succeeded': {
      const charge = intent.latest_charge;
      const chargeId = typeof charge === 'string' ? charge : charge?.id;
      if (!chargeId) throw new PaymentGatewayError(`payment intent ${intent.id} succeeded without a charge`, false, 'unexpected_response');
      return { status: 'succeeded', paymentIntentId: intent.id, chargeId };
    }
    case 'processing':
      return { status: 'pending', paymentIntentId: intent.id, nextStep: 'processing' };
    case 'requires_action':
      return { status: 'pending', paymentIntentId: intent.id, nextStep: 'requires_action' };
    case 'requires_payment_method':
    case 'canceled': {
      const error = intent.last_payment_error;
      return {
        status: 'declined',
        paymentIntentId: intent.id,
        reason: error?.message ?? `payment ${intent.status}`,
        declineCode: error?.decline_code ?? error?.code ?? null,
      };
    }
    default:
      // We confirm with automatic capture: any other status means Stripe did not do what we asked.
      throw new PaymentGatewayError(`payment intent ${intent.id} is ${intent.status} after confirmation`, false, 'unexpected_response');
  }
}

/** Connect: money can go out only when Stripe has enabled payouts and the transfers capability. */
export function payoutsEnabled(account: Stripe.Account): boolean {
  return account.payouts_enabled === true && account.capabilities?.transfers === 'active';
}

/** Stamped on every money object, so a request can be found after Stripe forgot its key. */
const requestKeyField = 'requestKey';

function stamped(request: { idempotencyKey: string; metadata: Metadata }): Record<string, string> {
  return { ...request.metadata, [requestKeyField]: request.idempotencyKey };
}

/** Stripe's search language quotes values in single quotes; ours never contain one, but be sure. */
function searchValue(value: string): string {
  return value.replace(/['\\]/g, '');
}

function currency(code: 'USD'): string {
  return code.toLowerCase();
}

/**
 * A refusal that names one of the caller's own inputs (Stripe's `param`, mapped to our field) is
 * a rejection of that input; any other refusal stays the provider refusing our request.
 */
function callerInputOr(error: unknown, fields: Readonly<Record<string, string>>): Error {
  if (!(error instanceof PaymentProviderRefused)) return error instanceof Error ? error : new Error(String(error));
  const { type, param, requestId } = error.refusal;
  const field = type === 'invalid_request_error' && param !== null ? fields[param] : undefined;
  return field ? new PaymentRequestRejected(field, error.providerMessage, requestId) : error;
}

function isResourceMissing(error: unknown): boolean {
  return error instanceof PaymentProviderRefused && error.refusal.code === 'resource_missing';
}

/** The largest page Stripe serves: fewest round trips for a reconciliation. */
const listPageSize = 100;

function idOf(value: string | { id: string } | null): string | null {
  return value === null ? null : typeof value === 'string' ? value : value.id;
}

function createdAt(unixSeconds: number): Date {
  return new Date(unixSeconds * 1000);
}

function providerCharge(charge: Stripe.Charge): ProviderCharge {
  return {
    id: charge.id,
    paymentIntentId: idOf(charge.payment_intent),
    amountCents: charge.amount,
    amountRefundedCents: charge.amount_refunded,
    status: charge.status,
    transferGroup: charge.transfer_group,
    metadata: charge.metadata,
    created: createdAt(charge.created),
  };
}

function providerTransfer(transfer: Stripe.Transfer): ProviderTransfer {
  return {
    id: transfer.id,
    amountCents: transfer.amount,
    amountReversedCents: transfer.amount_reversed,
    destination: idOf(transfer.destination) ?? '',
    sourceChargeId: idOf(transfer.source_transaction),
    transferGroup: transfer.transfer_group,
    metadata: transfer.metadata,
    created: createdAt(transfer.created),
  };
}

function providerRefund(refund: Stripe.Refund): ProviderRefund {
  return {
    id: refund.id,
    chargeId: idOf(refund.charge) ?? '',
    paymentIntentId: idOf(refund.payment_intent),
    amountCents: refund.amount,
    status: refund.status ?? 'unknown',
    metadata: refund.metadata ?? {},
    created: createdAt(refund.created),
  };
}

const subscriptionStatuses: readonly Subscription['status'][] = ['incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused'];

/** Stripe's status as ours; a status this version does not know is an unexpected answer, not a guess. */
function subscriptionStatus(status: string, operation: string): Subscription['status'] {
  const known = subscriptionStatuses.find((candidate) => candidate === status);
  if (known === undefined) throw new PaymentGatewayError(`${operation}: unknown subscription status ${status}`, false, 'unexpected_response');
  return known;
}

/**
 * A Stripe subscription in the port's words, from an API answer or a webhook's object. Since API
 * version 2025-03-31 the billing period is the items'; a one-price plan has one item.
 */
export function subscriptionOf(subscription: Stripe.Subscription, operation: string): Subscription {
  const periodEnds = subscription.items.data.map((item) => item.current_period_end);
  if (periodEnds.length === 0) throw new PaymentGatewayError(`${operation}: subscription ${subscription.id} has no items`, false, 'unexpected_response');
  return {
    subscriptionId: subscription.id,
    status: subscriptionStatus(subscription.status, operation),
    currentPeriodEnd: new Date(Math.min(...periodEnds) * 1000).toISOString(),
    latestInvoiceId: idOf(subscription.latest_invoice),
  };
}

function canceledSubscriptionOf(subscription: Stripe.Subscription): CanceledSubscription {
  if (subscription.status !== 'canceled' || subscription.canceled_at === null) {
    throw new PaymentGatewayError(`cancel subscription: ${subscription.id} is ${subscription.status} after the cancel`, false, 'unexpected_response');
  }
  return { subscriptionId: subscription.id, status: 'canceled', canceledAt: createdAt(subscription.canceled_at).toISOString() };
}
