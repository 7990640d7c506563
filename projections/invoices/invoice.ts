/**
 * An invoice as the read model stores it: cents inside, formatted only when served (JSON, CSV,
 * PDF). Invoices are derived from the log, never edited by hand: a refund changes the funding
 * invoice's payment status, it does not rewrite its amount.
 */
export type InvoiceKind = 'employer_funding' | 'trainer_payout';
export const invoiceKinds: readonly InvoiceKind[] = ['employer_funding', 'trainer_payout'];

export type PaymentStatus = 'paid' | 'partially_refunded' | 'refunded';

/** Every milestone is billed as a fixed price (the product has no hourly contracts here). */
export const billingType = 'fixed_price_milestone' as const;

export interface Invoice {
  readonly id: string;
  /** `<series>-<sequence, 6 digits>`, e.g. "E-2026-000001": gap-free within its series. */
  readonly number: string;
  /** Prefix (E: employer funding, T: trainer payout) and the UTC year of `issuedAt`: "E-2026". */
  readonly series: string;
  readonly sequence: number;
  readonly kind: InvoiceKind;
  /** The issuing event's metadata.occurredAt (ISO-8601 UTC), so a rebuild keeps the date. */
  readonly issuedAt: string;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly employerId: string;
  readonly trainerId: string;
  readonly projectName: string;
  readonly milestoneName: string;
  readonly description: string | null;
  readonly billingType: typeof billingType;
  readonly currency: 'USD';
  /** Funding: the amount charged. Payout: the gross amount released (fee + net). */
  readonly amountCents: number;
  /** Payout only: the platform fee kept from the gross amount. Null on funding invoices. */
  readonly feeCents: number | null;
  /** Payout only: what was transferred to the trainer. Null on funding invoices. */
  readonly netCents: number | null;
  /** Funding only: what went back to the employer so far (0 on payout invoices). */
  readonly refundedCents: number;
  readonly paymentStatus: PaymentStatus;
  readonly paymentIntentId: string | null;
  readonly chargeId: string | null;
  readonly transferId: string | null;
  readonly refundIds: readonly string[];
  /** The event that issued the invoice, and its global position (the list order). */
  readonly sourceEventId: string;
  readonly position: string;
  /** occurredAt of the last event that changed the invoice (issue or refund). */
  readonly updatedAt: string;
}
