/**
 * Money movements as our event log records them (MilestoneFunded, MilestonePayoutCompleted,
 * MilestoneRefunded), keyed by the provider's ids. `occurredAt` is our clock, not the provider's.
 */
interface LedgerMovement {
  readonly id: string;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly amountCents: number;
  readonly occurredAt: Date;
}

export interface LedgerCharge extends LedgerMovement {
  readonly paymentIntentId: string;
}

export type LedgerTransfer = LedgerMovement;

export interface LedgerRefund extends LedgerMovement {
  readonly chargeId: string;
}

export interface LedgerMovements {
  readonly charges: readonly LedgerCharge[];
  readonly transfers: readonly LedgerTransfer[];
  readonly refunds: readonly LedgerRefund[];
}
