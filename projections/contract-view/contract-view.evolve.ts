import { assert, assertNever, isContractEvent, type ContractEvent, type MilestoneStatus } from '@escrow/domain';

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
  };
}

type MilestoneEvent = Exclude<ContractEvent, { type: 'ContractCreated' | 'ContractArchived' | 'MilestoneCreated' }>;

function milestoneChange(event: MilestoneEvent, at: string): (m: MilestoneView) => Partial<MilestoneView> {
  switch (event.type) {
    case 'MilestoneFundingRequested':
      return () => ({ status: 'funding', lastFailure: null });
    case 'MilestoneFunded':
      return () => ({ status: 'funded', fundedAt: at, paymentReference: event.data.paymentIntentId, chargeReference: event.data.chargeId });
    case 'MilestoneFundingFailed':
      return () => ({ status: 'pending', lastFailure: event.data.reason });
    case 'MilestoneApprovalRequested':
      return () => ({ status: 'pending_approval', approvalRequestedAt: at });
    case 'MilestoneApproved':
      return () => ({ status: 'approved', approvedAt: at, feeCents: event.data.fee.amountCents, netCents: event.data.net.amountCents });
    case 'MilestonePayoutCompleted':
      return () => ({ status: 'paid', paidAt: at, transferReference: event.data.transferId, lastFailure: null });
    case 'MilestonePayoutFailed':
      return () => ({ lastFailure: event.data.reason, payoutAttempts: event.data.attempt });
    case 'MilestoneDisputed':
      return () => ({ status: 'disputed' });
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

export function toViewEvent(recorded: { type: string; data: unknown; metadata: Record<string, unknown>; position: string }): ViewEvent | null {
  const event = { type: recorded.type, data: recorded.data } as ContractEvent;
  if (!isContractEvent(event)) return null;
  const occurredAt = recorded.metadata.occurredAt;
  assert(typeof occurredAt === 'string', `event at ${recorded.position} has occurredAt`);
  return { event, occurredAt, position: recorded.position };
}
