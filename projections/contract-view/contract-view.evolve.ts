import { assert, assertNever, isContractEvent, type ContractEvent, type FundingNextStep, type MilestoneStatus } from '@escrow/domain';

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
  /** Views stored before chargebacks existed lack it: read as none. */
  chargebacks?: ChargebackView[];
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

export interface ViewEvent {
  readonly event: ContractEvent;
  readonly occurredAt: string;
  readonly position: string;
}

/** Pure: the view before an event (null for a new contract) and the event → the view after. */
export function evolveContractView(view: ContractView | null, { event, occurredAt, position }: ViewEvent): ContractView {
  if (event.type === 'ContractCreated') {
    assert(view === null, `contract ${event.data.contractId} is created once`);
    return { ...event.data, status: 'active', milestones: [], createdAt: occurredAt, updatedAt: occurredAt, position };
  }
  assert(view !== null, `${event.type} follows ContractCreated`);
  const next: ContractView = { ...view, updatedAt: occurredAt, position };
  if (event.type === 'ContractArchived') return { ...next, status: 'archived' };
  if (event.type === 'MilestoneCreated') {
    const { milestoneId, name, description, amount, dueDate } = event.data;
    return { ...next, milestones: [...next.milestones, newMilestone(milestoneId, name, description, amount.amountCents, dueDate)] };
  }
  const change = milestoneChange(event, occurredAt);
  return {
    ...next,
    milestones: next.milestones.map((m) => (m.milestoneId === event.data.milestoneId ? { ...m, ...change(m) } : m)),
  };
}

function newMilestone(milestoneId: string, name: string, description: string | null, amountCents: number, dueDate: string | null): MilestoneView {
  return {
    milestoneId, name, description, amountCents, dueDate,
    feeCents: null, netCents: null, status: 'pending',
    fundedAt: null, approvalRequestedAt: null, approvedAt: null, paidAt: null,
    paymentReference: null, chargeReference: null, transferReference: null,
    lastFailure: null, payoutAttempts: 0,
    resolution: null, resolvedAt: null, refundPendingCents: 0, refundedCents: 0, refundReference: null, refundedAt: null,
    fundingNextStep: null, chargebacks: [],
  };
}

type MilestoneEvent = Exclude<ContractEvent, { type: 'ContractCreated' | 'ContractArchived' | 'MilestoneCreated' }>;

function milestoneChange(event: MilestoneEvent, at: string): (m: MilestoneView) => Partial<MilestoneView> {
  switch (event.type) {
    case 'MilestoneFundingRequested':
      return () => ({ status: 'funding', lastFailure: null, fundingNextStep: null });
    case 'MilestoneFundingPending':
      return () => ({ fundingNextStep: event.data.nextStep, paymentReference: event.data.paymentIntentId });
    case 'MilestoneFunded':
      return () => ({
        status: 'funded', fundedAt: at, paymentReference: event.data.paymentIntentId, chargeReference: event.data.chargeId, fundingNextStep: null,
      });
    case 'MilestoneFundingFailed':
      return () => ({ status: 'pending', lastFailure: event.data.reason, fundingNextStep: null });
    case 'MilestoneApprovalRequested':
      return () => ({ status: 'pending_approval', approvalRequestedAt: at });
    case 'MilestoneApproved':
      return () => ({ status: 'approved', approvedAt: at, feeCents: event.data.fee.amountCents, netCents: event.data.net.amountCents });
    case 'MilestonePayoutCompleted':
      return () => ({ status: 'paid', paidAt: at, transferReference: event.data.transferId, lastFailure: null });
    case 'MilestonePayoutFailed':
      return () => ({ lastFailure: event.data.reason, payoutAttempts: event.data.attempt });
    case 'MilestoneDisputed': {
      const { chargeback, reason } = event.data;
      if (!chargeback) return () => ({ status: 'disputed' });
      const opened = { disputeId: chargeback.disputeId, amountCents: chargeback.amount.amountCents, reason, status: 'open' as const, openedAt: at, closedAt: null };
      return (m) => ({ status: 'disputed', chargebacks: [...(m.chargebacks ?? []), opened] });
    }
    case 'MilestoneChargebackOpened': {
      const { disputeId, amount, reason } = event.data;
      const opened = { disputeId, amountCents: amount.amountCents, reason: `chargeback: ${reason}`, status: 'open' as const, openedAt: at, closedAt: null };
      return (m) => ({ chargebacks: [...(m.chargebacks ?? []), opened] });
    }
    case 'MilestoneChargebackClosed':
      return (m) => chargebackClosed(m, event.data, at);
    case 'MilestoneDisputeResolved': {
      const { resolution, fee, net, refundAmount } = event.data;
      return () => ({
        status: resolution === 'refund' ? 'disputed' : 'approved',
        resolution,
        resolvedAt: at,
        ...(resolution === 'refund' ? {} : { approvedAt: at, feeCents: fee.amountCents, netCents: net.amountCents }),
        refundPendingCents: refundAmount.amountCents,
      });
    }
    case 'MilestoneRefunded':
      return (m) => {
        const refundPendingCents = m.refundPendingCents - event.data.amount.amountCents;
        return {
          status: m.status === 'disputed' && refundPendingCents === 0 ? 'refunded' : m.status,
          refundPendingCents,
          refundedCents: m.refundedCents + event.data.amount.amountCents,
          refundReference: event.data.refundId,
          refundedAt: at,
        };
      };
    case 'MilestoneCancelled':
      return () => ({ status: 'cancelled' });
    default:
      return assertNever(event, 'milestone event');
  }
}

type ChargebackClosed = Extract<ContractEvent, { type: 'MilestoneChargebackClosed' }>['data'];

/** Mirrors the decider: won goes back to where it was; lost takes the escrow (refunded when none is left). */
function chargebackClosed(m: MilestoneView, data: ChargebackClosed, at: string): Partial<MilestoneView> {
  const chargebacks = (m.chargebacks ?? []).map((c) => (c.disputeId === data.disputeId ? { ...c, status: data.outcome, closedAt: at } : c));
  if (data.statusAfter === m.status && data.outcome === 'won') return { chargebacks };
  // A lost chargeback that disputed the milestone took its escrow (and any unpaid release).
  const tookEscrow = data.loss !== null && (data.loss.fromEscrow.amountCents > 0 || data.loss.reversedRelease !== null);
  const taken = tookEscrow ? { refundPendingCents: 0, ...(data.loss?.reversedRelease ? { feeCents: null, netCents: null } : {}) } : {};
  return { chargebacks, status: data.statusAfter, ...taken };
}

export function toViewEvent(recorded: { type: string; data: unknown; metadata: Record<string, unknown>; position: string }): ViewEvent | null {
  const event = { type: recorded.type, data: recorded.data } as ContractEvent;
  if (!isContractEvent(event)) return null;
  const occurredAt = recorded.metadata.occurredAt;
  assert(typeof occurredAt === 'string', `event at ${recorded.position} has occurredAt`);
  return { event, occurredAt, position: recorded.position };
}
