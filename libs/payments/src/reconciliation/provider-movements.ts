/**
 * Money objects as the payment provider records them, for reconciliation with our log. Amounts are
 * integer cents; `created` is the provider's own clock (seconds apart from our events' time).
 */
export type ProviderMetadata = Readonly<Record<string, string>>;

export interface ProviderCharge {
  readonly id: string;
  readonly paymentIntentId: string | null;
  readonly amountCents: number;
  readonly amountRefundedCents: number;
  /** Stripe's charge status: `succeeded`, `pending` or `failed`. */
  readonly status: string;
  readonly transferGroup: string | null;
  readonly metadata: ProviderMetadata;
  readonly created: Date;
}

export interface ProviderTransfer {
  readonly id: string;
  readonly amountCents: number;
  readonly amountReversedCents: number;
  readonly destination: string;
  readonly sourceChargeId: string | null;
  readonly transferGroup: string | null;
  readonly metadata: ProviderMetadata;
  readonly created: Date;
}

export interface ProviderRefund {
  readonly id: string;
  readonly chargeId: string;
  readonly paymentIntentId: string | null;
  readonly amountCents: number;
  /** Stripe's refund status: `pending`, `succeeded`, `failed`, `canceled`, `requires_action`. */
  readonly status: string;
  readonly metadata: ProviderMetadata;
  readonly created: Date;
}

export interface ProviderMovements {
  readonly charges: readonly ProviderCharge[];
  readonly transfers: readonly ProviderTransfer[];
  readonly refunds: readonly ProviderRefund[];
}

export type MovementKind = 'charge' | 'transfer' | 'refund';

export type ProviderMovement<K extends MovementKind> = K extends 'charge'
  ? ProviderCharge
  : K extends 'transfer'
    ? ProviderTransfer
    : ProviderRefund;

/** Half-open: `from` included, `to` excluded, so consecutive periods never overlap. */
export interface ReconciliationPeriod {
  readonly from: Date;
  readonly to: Date;
}

/** A provider list is read whole into memory: past this many objects of one kind, narrow the period. */
export const providerMovementsCountMax = 200_000;
