import { assert, assertNever } from '../shared/assert';
import type { ContractEvent } from './events';

export type MilestoneStatus =
  | 'pending'
  | 'funding'
  | 'funded'
  | 'pending_approval'
  | 'approved'
  | 'paid'
  | 'disputed'
  | 'refunded'
  | 'cancelled';

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
}

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

export function evolve(state: ContractState, event: ContractEvent): ContractState {
  if (event.type === 'ContractCreated') {
    assert(state.status === 'none', 'ContractCreated starts a stream');
    return { status: 'active', ...event.data, milestones: {} };
  }
  assert(state.status !== 'none', `${event.type} follows ContractCreated`);
  switch (event.type) {
    case 'MilestoneCreated':
      return withMilestone(state, event.data.milestoneId, {
        milestoneId: event.data.milestoneId,
        name: event.data.name,
        amountCents: event.data.amount.amountCents,
        status: 'pending',
        chargeId: null,
        netCents: null,
        payoutAttempts: 0,
        refundPendingCents: 0,
      });
    case 'MilestoneFundingRequested':
      return updateMilestone(state, event.data.milestoneId, { status: 'funding' });
    case 'MilestoneFunded':
      return updateMilestone(state, event.data.milestoneId, { status: 'funded', chargeId: event.data.chargeId });
    case 'MilestoneFundingFailed':
      return updateMilestone(state, event.data.milestoneId, { status: 'pending' });
    case 'MilestoneApprovalRequested':
      return updateMilestone(state, event.data.milestoneId, { status: 'pending_approval' });
    case 'MilestoneApproved':
      return updateMilestone(state, event.data.milestoneId, { status: 'approved', netCents: event.data.net.amountCents });
    case 'MilestonePayoutCompleted':
      return updateMilestone(state, event.data.milestoneId, { status: 'paid' });
    case 'MilestonePayoutFailed':
      return updateMilestone(state, event.data.milestoneId, { payoutAttempts: event.data.attempt });
    case 'MilestoneDisputed':
      return updateMilestone(state, event.data.milestoneId, { status: 'disputed' });
    case 'MilestoneDisputeResolved': {
      const { resolution, net, refundAmount } = event.data;
      // Released money follows the approval path (a payout); a full refund waits for the refund.
      const status: MilestoneStatus = resolution === 'refund' ? 'disputed' : 'approved';
      return updateMilestone(state, event.data.milestoneId, {
        status,
        netCents: resolution === 'refund' ? null : net.amountCents,
        refundPendingCents: refundAmount.amountCents,
      });
    }
    case 'MilestoneRefunded': {
      const milestone = state.milestones[event.data.milestoneId];
      assert(milestone !== undefined, `refund for known milestone ${event.data.milestoneId}`);
      const refundPendingCents = milestone.refundPendingCents - event.data.amount.amountCents;
      assert(refundPendingCents >= 0, `milestone ${milestone.milestoneId} is not refunded more than resolved`);
      const status: MilestoneStatus = milestone.status === 'disputed' && refundPendingCents === 0 ? 'refunded' : milestone.status;
      return updateMilestone(state, event.data.milestoneId, { status, refundPendingCents });
    }
    case 'MilestoneCancelled':
      return updateMilestone(state, event.data.milestoneId, { status: 'cancelled' });
    case 'ContractArchived':
      return { ...state, status: 'archived' };
    default:
      return assertNever(event, 'contract event');
  }
}

function withMilestone(state: ContractOpen, milestoneId: string, milestone: MilestoneState): ContractOpen {
  assert(state.milestones[milestoneId] === undefined, `milestone ${milestoneId} is created once`);
  return { ...state, milestones: { ...state.milestones, [milestoneId]: milestone } };
}

function updateMilestone(state: ContractOpen, milestoneId: string, change: Partial<MilestoneState>): ContractOpen {
  const milestone = state.milestones[milestoneId];
  assert(milestone !== undefined, `event refers to known milestone ${milestoneId}`);
  return { ...state, milestones: { ...state.milestones, [milestoneId]: { ...milestone, ...change } } };
}

export function replay(events: readonly ContractEvent[]): ContractState {
  return events.reduce(evolve, initialState());
}
