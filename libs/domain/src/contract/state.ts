import type { ChargebackOutcome, DisputedFromStatus, FundingNextStep, MilestoneStatusName } from './events';

export type MilestoneStatus = MilestoneStatusName;

export interface MilestoneState {
  readonly milestoneId: string;
  readonly name: string;
  readonly amountCents: number;
  readonly status: MilestoneStatus;
  readonly chargeId: string | null;
  /** What the trainer is owed once approved: the amount less the platform fee. */
  readonly netCents: number | null;
  readonly payoutAttempts: number;
  /** Escrowed cents a dispute resolution sent back to the employer that are not refunded yet. */
  readonly refundPendingCents: number;
  /** The current funding attempt's payment intent, once the saga or a webhook named it. */
  readonly paymentIntentId: string | null;
  /** What the current attempt waits for (bank debit, 3-D Secure); null when not pending. */
  readonly fundingNextStep: FundingNextStep | null;
  /** The payment intent that funded the milestone: its outcome may be reported again, harmlessly. */
  readonly fundedPaymentIntentId: string | null;
  readonly failedPaymentIntentIds: readonly string[];
  readonly refundIds: readonly string[];
  readonly transferIds: readonly string[];
  /** Cents of this milestone still held in the contract's escrow account. */
  readonly escrowCents: number;
  /** The platform fee of the release (approval or resolution) the trainer is owed or was paid. */
  readonly feeCents: number | null;
  /** While disputed: where to go back to, and the chargeback that disputes it (null for a party's dispute). */
  readonly dispute: { readonly previousStatus: DisputedFromStatus; readonly chargebackDisputeId: string | null } | null;
  /** Disputed at some point, by a party or a chargeback (support may keep notes on it from then on). */
  readonly wasDisputed: boolean;
  readonly chargebacks: Readonly<Record<string, ChargebackState>>;
}

export interface ChargebackState {
  readonly disputeId: string;
  readonly chargeId: string;
  readonly amountCents: number;
  readonly outcome: ChargebackOutcome | null;
}

export const hasOpenChargeback = (milestone: MilestoneState): boolean =>
  Object.values(milestone.chargebacks).some((chargeback) => chargeback.outcome === null);

export interface ContractOpen {
  readonly status: 'active' | 'archived';
  readonly contractId: string;
  readonly employerId: string;
  readonly trainerId: string;
  readonly projectName: string;
  readonly milestones: Readonly<Record<string, MilestoneState>>;
}

export type ContractState = { readonly status: 'none' } | ContractOpen;

export const initialState = (): ContractState => ({ status: 'none' });
