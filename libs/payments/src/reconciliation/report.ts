import type { MovementKind } from './provider-movements';

/**
 * Public values of the report (HTTP and `npm run reconcile`): here "ledger" names our event log,
 * not the double-entry ledger. Kept as published (`missing_in_ledger`, a mismatch's `ledger`
 * side and its detail text) so finance's consumers keep working.
 */
export type MismatchKind =
  | 'missing_at_provider'
  | 'missing_in_ledger'
  | 'amount_differs'
  | 'status_differs'
  /** The provider's transfer group is not the milestone's (`milestone_<milestoneId>`). */
  | 'transfer_group_differs';

/** Our log's side of a mismatch (published as `ledger`). */
export interface RecordedSide {
  readonly amountCents: number;
  /** Charges: what our log refunded on it. */
  readonly amountRefundedCents?: number;
}

export interface ProviderSide {
  readonly amountCents: number;
  readonly status: string;
  readonly amountRefundedCents?: number;
  readonly amountReversedCents?: number;
}

export interface Mismatch {
  readonly kind: MismatchKind;
  readonly object: MovementKind;
  /** The provider's id (ch_, tr_, re_…), which our events record too. */
  readonly id: string;
  readonly contractId: string;
  readonly milestoneId: string | null;
  readonly ledger: RecordedSide | null;
  readonly provider: ProviderSide | null;
  /** Present when the provider's transfer group disagrees with the milestone. */
  readonly transferGroup?: { readonly expected: string; readonly actual: string | null };
  readonly detail: string;
}

export interface MovementCounts {
  readonly charges: number;
  readonly transfers: number;
  readonly refunds: number;
}

export interface ReconciliationReport {
  readonly period: { readonly from: string; readonly to: string };
  /** Objects of the period compared: ours in the log, plus the provider's that carry our metadata. */
  readonly checked: MovementCounts;
  /** Provider objects of the period without our metadata (not made by this platform): not compared. */
  readonly notOurs: MovementCounts;
  readonly mismatches: readonly Mismatch[];
}

/** What a transfer "status" is, Stripe transfers having none: how much of it came back. */
export function transferStatus(amountCents: number, amountReversedCents: number): string {
  if (amountReversedCents === 0) return 'paid';
  return amountReversedCents >= amountCents ? 'reversed' : 'partially_reversed';
}

export function milestoneTransferGroup(milestoneId: string): string {
  return `milestone_${milestoneId}`;
}
