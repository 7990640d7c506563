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
  /** The funding charge the money goes back through. */
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
}

export interface PayoutAccountRequest {
  readonly idempotencyKey: string;
  readonly trainerId: string;
}

export interface PayoutAccount {
  readonly accountId: string;
  readonly payoutsEnabled: boolean;
  /** The provider-hosted page where the trainer completes or updates onboarding (identity, tax, bank). */
  readonly onboardingUrl: string | null;
}

export interface PaymentGateway {
  readonly name: string;
  /** Saves the employer's payment method on a customer of theirs; refuses unusable methods. */
  attachPaymentMethod(request: PaymentMethodRequest): Promise<{ customerId: string; paymentMethodId: string }>;
  createPayoutAccount(request: PayoutAccountRequest): Promise<PayoutAccount>;
  charge(request: ChargeRequest): Promise<ChargeOutcome>;
  transfer(request: TransferRequest): Promise<TransferOutcome>;
  /** Returns escrowed money to the employer; never more than the charge minus what left it. */
  refund(request: RefundRequest): Promise<RefundOutcome>;
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

/** The caller gave something the provider refuses (an unknown payment method, say): a 4xx. */
export class PaymentRequestRejected extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'PaymentRequestRejected';
  }
}
