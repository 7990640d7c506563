/**
 * Money movements as our event log records them (MilestoneFunded, MilestonePayoutCompleted,
 * MilestoneRefunded), keyed by the provider's ids. `occurredAt` is our clock, not the provider's.
 */
interface RecordedMovement {
  readonly id: string;
  readonly contractId: string;
  readonly milestoneId: string;
  readonly amountCents: number;
  readonly occurredAt: Date;
}

export interface RecordedCharge extends RecordedMovement {
  readonly paymentIntentId: string;
}

export type RecordedTransfer = RecordedMovement;

export interface RecordedRefund extends RecordedMovement {
  readonly chargeId: string;
}

export interface RecordedMovements {
  readonly charges: readonly RecordedCharge[];
  readonly transfers: readonly RecordedTransfer[];
  readonly refunds: readonly RecordedRefund[];
}
