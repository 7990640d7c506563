import type { Amount } from '../shared/money';
import type { DomainEvent, Role } from '../shared/metadata';
import { eventCatalog, eventTypesIn, isDomainEventType, streamPrefixOf } from '../shared/schema-versions';

export const contractStreamPrefix = streamPrefixOf('contract');
export const contractStream = (contractId: string) => `${contractStreamPrefix}${contractId}`;

interface MilestoneRef {
  readonly contractId: string;
  readonly milestoneId: string;
}

export type ContractCreated = DomainEvent<
  'ContractCreated',
  { contractId: string; employerId: string; trainerId: string; projectName: string }
>;
export type MilestoneCreated = DomainEvent<
  'MilestoneCreated',
  MilestoneRef & { name: string; description: string | null; amount: Amount; dueDate: string | null }
>;
export type MilestoneFundingRequested = DomainEvent<
  'MilestoneFundingRequested',
  MilestoneRef & { employerId: string; amount: Amount; customerId: string; paymentMethodId: string }
>;
export type MilestoneFunded = DomainEvent<
  'MilestoneFunded',
  MilestoneRef & { amount: Amount; paymentIntentId: string; chargeId: string }
>;
/** The charge did not settle at once: a bank debit is `processing`, or 3-D Secure `requires_action` of the employer. */
export type FundingNextStep = 'processing' | 'requires_action';
export type MilestoneFundingPending = DomainEvent<
  'MilestoneFundingPending',
  MilestoneRef & { paymentIntentId: string; nextStep: FundingNextStep }
>;
export type MilestoneFundingFailed = DomainEvent<
  'MilestoneFundingFailed',
  MilestoneRef & { reason: string; declineCode: string | null; paymentIntentId: string | null }
>;
export type MilestoneApprovalRequested = DomainEvent<
  'MilestoneApprovalRequested',
  MilestoneRef & { trainerId: string; note: string | null }
>;
/**
 * Why a milestone was approved: the employer's answer, or `auto_release` (the service approved a
 * request the employer left unanswered for AUTO_RELEASE_DAYS). Schema version 2; version 1,
 * written when only employers approved, reads upcast to `employer`.
 */
export type ApprovalReason = 'employer' | 'auto_release';
export type MilestoneApproved = DomainEvent<
  'MilestoneApproved',
  MilestoneRef & { trainerId: string; amount: Amount; fee: Amount; net: Amount; feeBps: number; chargeId: string; reason: ApprovalReason }
>;
/**
 * The employer was reminded that the milestone waiting for their approval is approved
 * automatically at `releaseAt`, `daysBefore` days from now (7, then 1). Written by the service;
 * the notifications read model turns it into the employer's notification.
 */
export type MilestoneAutoReleaseReminderSent = DomainEvent<
  'MilestoneAutoReleaseReminderSent',
  MilestoneRef & { employerId: string; trainerId: string; daysBefore: number; releaseAt: string }
>;
export type MilestonePayoutCompleted = DomainEvent<
  'MilestonePayoutCompleted',
  MilestoneRef & { trainerId: string; amount: Amount; transferId: string; destinationAccountId: string }
>;
export type MilestonePayoutFailed = DomainEvent<
  'MilestonePayoutFailed',
  MilestoneRef & { trainerId: string; reason: string; retryable: boolean; attempt: number }
>;
export type DisputedFromStatus = 'funded' | 'pending_approval' | 'approved';
export interface DisputingChargeback {
  readonly disputeId: string;
  readonly chargeId: string;
  readonly amount: Amount;
}
/**
 * A party's dispute (`chargeback` null), or a chargeback on money the platform still holds
 * (`chargeback` set, `disputedBy` 'service'). Schema version 2: version 1, written before
 * chargebacks existed, may lack `chargeback`; readers see it upcast to null.
 */
export type MilestoneDisputed = DomainEvent<
  'MilestoneDisputed',
  MilestoneRef & {
    disputedBy: Role;
    reason: string;
    previousStatus: DisputedFromStatus;
    chargeback: DisputingChargeback | null;
  }
>;
/** A chargeback on money that already left escrow (paid, refunded) or that support already holds (disputed). */
export type ChargebackStatusAtOpening = 'paid' | 'disputed' | 'refunded';
export type MilestoneChargebackOpened = DomainEvent<
  'MilestoneChargebackOpened',
  MilestoneRef & { disputeId: string; chargeId: string; amount: Amount; reason: string; statusAtOpening: ChargebackStatusAtOpening }
>;
export type ChargebackOutcome = 'won' | 'lost';
/**
 * Where the money of a lost chargeback came from, decided by the domain so the ledger need not
 * know the milestone's state: `fromEscrow` left the contract's escrow (after the release of an
 * approved milestone was taken back into it: `reversedRelease`), `platformLoss` is the platform's.
 * fromEscrow + platformLoss = amount.
 */
export interface ChargebackLoss {
  readonly fromEscrow: Amount;
  readonly platformLoss: Amount;
  readonly reversedRelease: { trainerId: string; fee: Amount; net: Amount } | null;
}
export type MilestoneChargebackClosed = DomainEvent<
  'MilestoneChargebackClosed',
  MilestoneRef & {
    disputeId: string;
    chargeId: string;
    outcome: ChargebackOutcome;
    amount: Amount;
    loss: ChargebackLoss | null;
    /** The milestone's status once closed, so read models need not redo the decider's rule. */
    statusAfter: MilestoneStatusName;
  }
>;
/** The milestone statuses, as events name them (state.ts defines the same union). */
export type MilestoneStatusName =
  | 'pending' | 'funding' | 'funded' | 'pending_approval' | 'approved' | 'paid' | 'disputed' | 'refunded' | 'cancelled';
export type DisputeResolution = 'release' | 'refund' | 'split';

/**
 * Support's decision on a disputed milestone, in cents that add up to the escrow exactly:
 * `trainerAmount` is released to the trainer (less the platform fee: `fee` + `net`),
 * `refundAmount` goes back to the employer.
 */
export type MilestoneDisputeResolved = DomainEvent<
  'MilestoneDisputeResolved',
  MilestoneRef & {
    resolution: DisputeResolution;
    trainerId: string;
    trainerAmount: Amount;
    refundAmount: Amount;
    fee: Amount;
    net: Amount;
    feeBps: number;
    chargeId: string;
    note: string;
  }
>;
export type MilestoneRefunded = DomainEvent<
  'MilestoneRefunded',
  MilestoneRef & { amount: Amount; refundId: string; chargeId: string }
>;
export type MilestoneCancelled = DomainEvent<'MilestoneCancelled', MilestoneRef & { reason: string | null }>;
export type ContractArchived = DomainEvent<'ContractArchived', { contractId: string }>;
/**
 * Support's note on a milestone that is or was disputed (by a party or a chargeback): `supportId`
 * wrote `note`. Appended, never edited: a correction is another note.
 */
export type MilestoneSupportNoteAdded = DomainEvent<
  'MilestoneSupportNoteAdded',
  MilestoneRef & { noteId: string; supportId: string; note: string }
>;

export type ContractEvent =
  | ContractCreated
  | MilestoneCreated
  | MilestoneFundingRequested
  | MilestoneFunded
  | MilestoneFundingPending
  | MilestoneFundingFailed
  | MilestoneApprovalRequested
  | MilestoneApproved
  | MilestoneAutoReleaseReminderSent
  | MilestonePayoutCompleted
  | MilestonePayoutFailed
  | MilestoneDisputed
  | MilestoneChargebackOpened
  | MilestoneChargebackClosed
  | MilestoneDisputeResolved
  | MilestoneRefunded
  | MilestoneCancelled
  | ContractArchived
  | MilestoneSupportNoteAdded;

export type ContractEventType = ContractEvent['type'];

/**
 * Derived from the event catalog (schema-versions.ts), whose mapped type makes tsc refuse a
 * catalog that misses a type of the union above: a new contract event is in this list, and
 * therefore seen by `isContractEvent`, as soon as it compiles.
 */
export const contractEventTypes: readonly ContractEventType[] = eventTypesIn('contract');

export function isContractEvent(event: { type: string }): event is ContractEvent {
  return isDomainEventType(event.type) && eventCatalog[event.type].category === 'contract';
}
