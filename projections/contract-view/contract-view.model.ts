import type { ContractEvent, ContractOpen, FundingNextStep, MilestoneStatus } from '@escrow/domain';

/** A chargeback as the parties see it: the bank decides it, not support. */
export interface ChargebackView {
  disputeId: string;
  amountCents: number;
  reason: string;
  status: 'open' | 'won' | 'lost';
  openedAt: string;
  closedAt: string | null;
}

/** The contract view as stored: cents inside, formatted only when served. */
export interface MilestoneView {
  milestoneId: string;
  name: string;
  description: string | null;
  amountCents: number;
  feeCents: number | null;
  netCents: number | null;
  dueDate: string | null;
  status: MilestoneStatus;
  fundedAt: string | null;
  approvalRequestedAt: string | null;
  approvedAt: string | null;
  paidAt: string | null;
  paymentReference: string | null;
  chargeReference: string | null;
  transferReference: string | null;
  lastFailure: string | null;
  payoutAttempts: number;
  resolution: 'release' | 'refund' | 'split' | null;
  resolvedAt: string | null;
  refundPendingCents: number;
  refundedCents: number;
  refundReference: string | null;
  refundedAt: string | null;
  /** While funding waits on the bank or on the employer (3-D Secure); null otherwise. */
  fundingNextStep: FundingNextStep | null;
  chargebacks: ChargebackView[];
}

export interface ContractView {
  contractId: string;
  projectName: string;
  employerId: string;
  trainerId: string;
  status: 'active' | 'archived';
  milestones: MilestoneView[];
  createdAt: string;
  updatedAt: string;
  position: string;
}

/**
 * The milestone fields read from the domain's fold, never worked out by the view: its status and
 * the amounts the decider's rules move (fee and net, the refund still due), the payout attempts
 * and what funding waits for. Everything else in the view is a fact an event states.
 */
export type DomainOwnedField = 'status' | 'feeCents' | 'netCents' | 'refundPendingCents' | 'payoutAttempts' | 'fundingNextStep';

/** A chargeback's own facts; its status is the domain's outcome of it. */
export type ChargebackFacts = Omit<ChargebackView, 'status'>;

/** A milestone's facts as the events state them, before the domain's fold is read into them. */
export type MilestoneFacts = Omit<MilestoneView, DomainOwnedField | 'chargebacks'> & { chargebacks: ChargebackFacts[] };

/**
 * What the projection keeps per contract: the view it serves, and the domain's own state of the
 * contract (folded with the domain's `evolve`), which the next event is folded into.
 */
export interface ContractViewRecord {
  readonly view: ContractView;
  readonly state: ContractOpen;
}

export interface ViewEvent {
  readonly event: ContractEvent;
  readonly occurredAt: string;
  readonly position: string;
}
