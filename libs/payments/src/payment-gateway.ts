import type { MovementKind, ProviderMovement, ProviderMovements, ReconciliationPeriod } from './reconciliation/provider-movements';

/**
 * The payment gateway port: what the ledger needs from Stripe, in its own words. Every call that
 * moves money carries an idempotency key derived from the event that caused it, so a retry
 * after a crash or a timeout can never charge or pay twice.
 */
export interface Metadata {
  readonly contractId: string;
  readonly milestoneId: string;
}

export interface ChargeRequest {
  readonly idempotencyKey: string;
  readonly amountCents: number;
  readonly currency: 'USD';
  readonly customerId: string;
  readonly paymentMethodId: string;
  readonly transferGroup: string;
  readonly metadata: Metadata;
}

export type ChargeOutcome =
  | { readonly status: 'succeeded'; readonly paymentIntentId: string; readonly chargeId: string }
  /**
   * Not settled yet: a bank debit still `processing`, or the bank wants the employer to
   * authenticate (`requires_action`). The outcome arrives later, by webhook.
   */
  | { readonly status: 'pending'; readonly paymentIntentId: string; readonly nextStep: 'processing' | 'requires_action' }
  | {
      readonly status: 'declined';
      readonly paymentIntentId: string | null;
      readonly reason: string;
      readonly declineCode: string | null;
    };

export interface TransferRequest {
  readonly idempotencyKey: string;
  readonly amountCents: number;
  readonly currency: 'USD';
  readonly destinationAccountId: string;
  readonly sourceChargeId: string;
  readonly transferGroup: string;
  readonly metadata: Metadata;
}

export type TransferOutcome =
  | { readonly status: 'succeeded'; readonly transferId: string }
  | { readonly status: 'failed'; readonly reason: string };

export interface RefundRequest {
  readonly idempotencyKey: string;
  /** The funding payment the money goes back through. */
  readonly paymentIntentId: string;
  readonly chargeId: string;
  readonly amountCents: number;
  readonly currency: 'USD';
  readonly metadata: Metadata;
}

export type RefundOutcome =
  | { readonly status: 'succeeded'; readonly refundId: string }
  | { readonly status: 'failed'; readonly reason: string };

export interface PaymentMethodRequest {
  readonly idempotencyKey: string;
  readonly employerId: string;
  readonly paymentMethodId: string;
  /** The employer's customer when our log knows it already (it outlives any idempotency key). */
  readonly customerId?: string | null;
}

export interface SetupIntentRequest {
  readonly idempotencyKey: string;
  readonly employerId: string;
  readonly customerId?: string | null;
}

/** What the employer's browser needs to collect a payment method with the provider's own form. */
export interface SetupIntent {
  readonly customerId: string;
  readonly setupIntentId: string;
  readonly clientSecret: string;
}

export interface PayoutAccountRequest {
  readonly idempotencyKey: string;
  readonly trainerId: string;
  /** The trainer's account when our log knows it already: a fresh onboarding link for it. */
  readonly accountId?: string | null;
  /**
   * Where a new account is opened (ISO 3166-1 alpha-2, Stripe's `country`). An account's country
   * never changes: an existing one (by `accountId`, or opened earlier under the same key) keeps
   * its own, and the answer says which.
   */
  readonly country: string;
}

export interface PayoutAccount {
  readonly accountId: string;
  /** The account's country as the provider has it (ISO 3166-1 alpha-2). */
  readonly country: string;
  readonly payoutsEnabled: boolean;
  /** The provider-hosted page where the trainer completes or updates onboarding (identity, tax, bank). */
  readonly onboardingUrl: string | null;
}

/**
 * A subscription plan billed by the provider (Stripe Billing) on the employer's saved payment
 * method. Separate from milestone charges: no escrow money, no transfer group, and its invoices
 * are the provider's own.
 */
export interface SubscriptionRequest {
  readonly idempotencyKey: string;
  readonly employerId: string;
  readonly customerId: string;
  /** The method it bills (the employer's method on file). */
  readonly paymentMethodId: string;
  /** The provider's recurring price (Stripe `price_...`) of the plan. */
  readonly priceId: string;
  /** Our plan id, stamped on the subscription's metadata. */
  readonly planId: string;
}

export interface Subscription {
  readonly subscriptionId: string;
  /** Stripe's subscription status: `active`, `trialing`, `incomplete`, `past_due`… */
  readonly status: 'incomplete' | 'incomplete_expired' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'paused';
  /** ISO 8601 instant the current billing period ends. */
  readonly currentPeriodEnd: string;
  /** The provider's first invoice of the subscription (Stripe `in_...`), when it made one. */
  readonly latestInvoiceId: string | null;
}

/** Ends a subscription now (no proration, no final invoice): the employer's own cancel. */
export interface SubscriptionCancelRequest {
  readonly idempotencyKey: string;
  readonly subscriptionId: string;
}

export interface CanceledSubscription {
  readonly subscriptionId: string;
  readonly status: 'canceled';
  /** ISO 8601 instant the provider canceled it: the first cancel's, however often it is asked. */
  readonly canceledAt: string;
}

export interface PaymentGateway {
  readonly name: string;
  /**
   * Saves the employer's payment method on a customer of theirs; refuses unusable methods. The
   * returned id is the one to charge: the provider may give a saved copy of a one-time token.
   */
  attachPaymentMethod(request: PaymentMethodRequest): Promise<{ customerId: string; paymentMethodId: string }>;
  /** Starts collecting a payment method client-side (Stripe Elements confirms the SetupIntent). */
  createSetupIntent(request: SetupIntentRequest): Promise<SetupIntent>;
  createPayoutAccount(request: PayoutAccountRequest): Promise<PayoutAccount>;
  /** Starts a subscription plan for the employer's customer; one per idempotency key, never two. */
  createSubscription(request: SubscriptionRequest): Promise<Subscription>;
  /**
   * Cancels a subscription at once. Canceling one already canceled answers it as it is (Stripe
   * refuses that as a missing subscription; the adapter looks again), so a retry cannot fail.
   */
  cancelSubscription(request: SubscriptionCancelRequest): Promise<CanceledSubscription>;
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  transfer(request: TransferRequest): Promise<TransferOutcome>;
  /**
   * What a money request already did, found by what we stamp on the provider's objects rather than
   * by its idempotency key, which the provider forgets after 24 hours. Null: nothing was done.
   * A charge and a refund are found by their request key; a transfer by any transfer of the
   * milestone in its transfer group (a milestone is paid out once, whatever the attempt).
   */
  findCharge(request: ChargeRequest): Promise<ChargeOutcome | null>;
  findTransfer(request: TransferRequest): Promise<TransferOutcome | null>;
  findRefund(request: RefundRequest): Promise<RefundOutcome | null>;
  /** The milestone a payment was made for (from what we stamped on it), or null if it is not ours. */
  paymentMetadata(paymentIntentId: string): Promise<Metadata | null>;
  /** Returns escrowed money to the employer; never more than the charge minus what left it. */
  refund(request: RefundRequest): Promise<RefundOutcome>;
  /**
   * Reconciliation: every charge (succeeded or not), transfer and refund the provider created in
   * [from, to), ours or not (the caller tells them apart by their metadata).
   */
  listMovements(period: ReconciliationPeriod): Promise<ProviderMovements>;
  /** One money object by id, wherever its creation time falls; null when the provider has no such object. */
  retrieveMovement<K extends MovementKind>(kind: K, id: string): Promise<ProviderMovement<K> | null>;
}

/**
 * A gateway call that did not produce an outcome. `retryable` errors (timeouts, connection
 * resets, 429, 5xx) are retried under the same idempotency key; the others are terminal.
 */
export class PaymentGatewayError extends Error {
  constructor(
    message: string,
    readonly retryable: boolean,
    readonly code: string,
  ) {
    super(message);
    this.name = 'PaymentGatewayError';
  }
}

/** What the provider said when it refused a request (Stripe's error object, and its request id). */
export interface ProviderRefusal {
  /** The provider's HTTP status: 400, 401, 402, 403, 404… */
  readonly status: number;
  /** Stripe's error type: `invalid_request_error`, `authentication_error`, `permission_error`… */
  readonly type: string;
  readonly code: string | null;
  /** The request parameter the provider names, if any. */
  readonly param: string | null;
  /** The provider's id for the request (Stripe's `Request-Id`), for its support; null when unknown. */
  readonly requestId: string | null;
}

/**
 * The provider refused a request of ours as it was made (Stripe's invalid_request_error, refused
 * credentials, another 4xx that is no card decline): an integration error — how we call the
 * provider, or records of ours it does not know — that no customer caused and no retry under the
 * same key can fix. The API answers 502; the saga leaves the effect stuck for support and records
 * no business failure.
 */
export class PaymentProviderRefused extends PaymentGatewayError {
  constructor(
    readonly operation: string,
    readonly providerMessage: string,
    code: string,
    readonly refusal: ProviderRefusal,
  ) {
    super(`${operation}: ${providerMessage}`, false, code);
    this.name = 'PaymentProviderRefused';
  }
}

/** The caller gave something the provider refuses (an unknown payment method, say): a 4xx. */
export class PaymentRequestRejected extends Error {
  constructor(
    readonly field: string,
    message: string,
    /** The provider's id for the refused request, when it gave one. */
    readonly requestId: string | null = null,
  ) {
    super(message);
    this.name = 'PaymentRequestRejected';
  }
}

/**
 * One line for the logs and the stuck list about a refusal of our request: what was refused,
 * the provider's status, type, code and request id, then the provider's own message.
 */
export function describeProviderRefusal(error: PaymentProviderRefused | PaymentRequestRejected): string {
  if (error instanceof PaymentRequestRejected) {
    return `the payment provider refused ${error.field} (request ${error.requestId ?? 'id unknown'}): ${error.message}`;
  }
  const { status, type, code, param, requestId } = error.refusal;
  const what = [`${status} ${type}`, code, param ? `param ${param}` : null, `request ${requestId ?? 'id unknown'}`].filter(Boolean).join(', ');
  return `the payment provider refused ${error.operation} (${what}): ${error.providerMessage}`;
}
