import type { Amount } from '../shared/money';
import type { DomainEvent, Role } from '../shared/metadata';

export const contractStreamPrefix = 'contract-';
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
export type MilestoneFundingFailed = DomainEvent<
  'MilestoneFundingFailed',
  MilestoneRef & { reason: string; declineCode: string | null; paymentIntentId: string | null }
>;
export type MilestoneApprovalRequested = DomainEvent<
  'MilestoneApprovalRequested',
  MilestoneRef & { trainerId: string; note: string | null }
>;
export type MilestoneApproved = DomainEvent<
  'MilestoneApproved',
  MilestoneRef & { trainerId: string; amount: Amount; fee: Amount; net: Amount; feeBps: number; chargeId: string }
>;
export type MilestonePayoutCompleted = DomainEvent<
  'MilestonePayoutCompleted',
  MilestoneRef & { trainerId: string; amount: Amount; transferId: string; destinationAccountId: string }
>;
export type MilestonePayoutFailed = DomainEvent<
  'MilestonePayoutFailed',
  MilestoneRef & { trainerId: string; reason: string; retryable: boolean; attempt: number }
>;
export type MilestoneDisputed = DomainEvent<
  'MilestoneDisputed',
  MilestoneRef & { disputedBy: Role; reason: string; previousStatus: 'funded' | 'pending_approval' }
>;
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

export type ContractEvent =
  | ContractCreated
  | MilestoneCreated
  | MilestoneFundingRequested
  | MilestoneFunded
  | MilestoneFundingFailed
  | MilestoneApprovalRequested
  | MilestoneApproved
  | MilestonePayoutCompleted
  | MilestonePayoutFailed
  | MilestoneDisputed
  | MilestoneDisputeResolved
  | MilestoneRefunded
  | MilestoneCancelled
  | ContractArchived;

export type ContractEventType = ContractEvent['type'];

export const contractEventTypes: readonly ContractEventType[] = [
  'ContractCreated',
  'MilestoneCreated',
  'MilestoneFundingRequested',
  'MilestoneFunded',
  'MilestoneFundingFailed',
  'MilestoneApprovalRequested',
  'MilestoneApproved',
  'MilestonePayoutCompleted',
  'MilestonePayoutFailed',
  'MilestoneDisputed',
  'MilestoneDisputeResolved',
  'MilestoneRefunded',
  'MilestoneCancelled',
  'ContractArchived',
];

export function isContractEvent(event: { type: string }): event is ContractEvent {
  return (contractEventTypes as readonly string[]).includes(event.type);
}
