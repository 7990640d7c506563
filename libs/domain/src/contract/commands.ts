import type { Amount } from '../shared/money';
import type { Actor } from '../shared/metadata';

interface Command<TType extends string, TData> {
  readonly type: TType;
  readonly actor: Actor;
  readonly data: TData;
}

interface MilestoneRef {
  readonly contractId: string;
  readonly milestoneId: string;
}

export interface MilestoneDraft {
  readonly name: string;
  readonly description: string | null;
  readonly amount: Amount;
  readonly dueDate: string | null;
}

/** The employer's saved payment method, looked up by the application before deciding. */
export interface PaymentMethodOnFile {
  readonly customerId: string;
  readonly paymentMethodId: string;
}

export type HireTrainer = Command<
  'HireTrainer',
  MilestoneRef & { trainerId: string; projectName: string; firstMilestone: MilestoneDraft }
>;
export type AddMilestone = Command<'AddMilestone', MilestoneRef & MilestoneDraft>;
/**
 * The employer's plan standing, looked up by the application before deciding (like the payment
 * method): whether its account is an agency account, and whether it has an active plan.
 */
export interface EmployerPlanOnFile {
  readonly agency: boolean;
  readonly activePlanId: string | null;
}

export type RequestFunding = Command<
  'RequestFunding',
  MilestoneRef & {
    paymentMethod: PaymentMethodOnFile | null;
    /** Omitted: a standard account (no plan needed), as for every contract before agency plans. */
    plan?: EmployerPlanOnFile;
  }
>;
export type RecordFunded = Command<
  'RecordFunded',
  MilestoneRef & { paymentIntentId: string; chargeId: string; amountCents: number }
>;
export type RecordFundingFailed = Command<
  'RecordFundingFailed',
  MilestoneRef & { reason: string; declineCode: string | null; paymentIntentId: string | null }
>;
export type RecordFundingPending = Command<
  'RecordFundingPending',
  MilestoneRef & { paymentIntentId: string; nextStep: 'processing' | 'requires_action' }
>;
export type RecordChargebackOpened = Command<
  'RecordChargebackOpened',
  MilestoneRef & { disputeId: string; chargeId: string; amountCents: number; reason: string }
>;
export type RecordChargebackClosed = Command<
  'RecordChargebackClosed',
  MilestoneRef & { disputeId: string; outcome: 'won' | 'lost' }
>;
export type RequestApproval = Command<'RequestApproval', MilestoneRef & { note: string | null }>;
/**
 * What an auto-release acts on, given by the scheduler: the time it acts at, when the milestone
 * entered its current wait for approval (`approvalWaitOf` over the contract's log) and the
 * configured wait. ISO 8601 instants.
 */
export interface AutoReleaseFacts {
  readonly now: string;
  readonly pendingApprovalSince: string;
  readonly afterDays: number;
}
/** The employer's approval; with `autoRelease`, the service's approval of a request left unanswered. */
export type Approve = Command<'Approve', MilestoneRef & { feeBps: number; autoRelease?: AutoReleaseFacts }>;
/** The service reminds the employer, `daysBefore` days ahead, that the milestone is about to be auto-released. */
export type RemindAutoRelease = Command<'RemindAutoRelease', MilestoneRef & { daysBefore: number; autoRelease: AutoReleaseFacts }>;
export type RecordPayoutCompleted = Command<
  'RecordPayoutCompleted',
  MilestoneRef & { transferId: string; destinationAccountId: string; amountCents: number }
>;
export type RecordPayoutFailed = Command<
  'RecordPayoutFailed',
  MilestoneRef & { reason: string; retryable: boolean }
>;
export type Dispute = Command<'Dispute', MilestoneRef & { reason: string }>;
export type ResolveDispute = Command<
  'ResolveDispute',
  MilestoneRef & {
    resolution: 'release' | 'refund' | 'split';
    /** For a split: the part released to the trainer, in cents; the rest is refunded. */
    trainerAmountCents: number | null;
    note: string;
    feeBps: number;
  }
>;
export type RecordRefunded = Command<'RecordRefunded', MilestoneRef & { refundId: string; amountCents: number }>;
/** A refund as the payment provider reports it, looked up by its id before deciding. */
export interface ProviderRefundFacts {
  readonly chargeId: string;
  readonly paymentIntentId: string | null;
  readonly amountCents: number;
  /** The provider's status: `succeeded`, `pending`, `failed`, `canceled`, `requires_action`. */
  readonly status: string;
}
/**
 * Support records a refund made at the provider outside the ledger (by hand, in its dashboard)
 * as the refund a resolution owes; `atProvider` is null when the provider has no such refund.
 */
export type RecordExternalRefund = Command<
  'RecordExternalRefund',
  MilestoneRef & { refundId: string; atProvider: ProviderRefundFacts | null }
>;
export type Cancel = Command<'Cancel', MilestoneRef & { reason: string | null }>;
/** Support's note on a disputed (or once disputed) milestone; `noteId` from the request. */
export type AddSupportNote = Command<'AddSupportNote', MilestoneRef & { noteId: string; note: string }>;
export type Archive = Command<'Archive', { contractId: string }>;

export type ContractCommand =
  | HireTrainer
  | AddMilestone
  | RequestFunding
  | RecordFunded
  | RecordFundingPending
  | RecordFundingFailed
  | RequestApproval
  | Approve
  | RemindAutoRelease
  | RecordPayoutCompleted
  | RecordPayoutFailed
  | Dispute
  | ResolveDispute
  | RecordRefunded
  | RecordExternalRefund
  | RecordChargebackOpened
  | RecordChargebackClosed
  | Cancel
  | Archive
  | AddSupportNote;
