import { assert, assertNever, type ContractEvent, type MilestoneState } from '@escrow/domain';
import type { ChargebackFacts, ContractView, MilestoneFacts, ViewEvent } from './contract-view.model';

/** The contract as the events state it; its status and the milestones' statuses come from the domain. */
export type ContractFacts = Omit<ContractView, 'status' | 'milestones'> & { milestones: MilestoneFacts[] };

/**
 * Folds what an event states (names, times, provider references, failures, refunds made,
 * chargeback reasons) into the facts. No status or rule here: `after` is the domain's milestone
 * once the event is folded, for the one fact that depends on it.
 */
export function withEventFacts(
  facts: ContractFacts | null,
  { event, occurredAt, position }: ViewEvent,
  after: (milestoneId: string) => MilestoneState,
): ContractFacts {
  if (event.type === 'ContractCreated') {
    assert(facts === null, `contract ${event.data.contractId} is created once`);
    return { ...event.data, milestones: [], createdAt: occurredAt, updatedAt: occurredAt, position };
  }
  assert(facts !== null, `${event.type} follows ContractCreated`);
  const next: ContractFacts = { ...facts, updatedAt: occurredAt, position };
  if (event.type === 'ContractArchived') return next;
  if (event.type === 'MilestoneCreated') return { ...next, milestones: [...next.milestones, newMilestone(event.data)] };
  const change = milestoneChange(event, occurredAt, after(event.data.milestoneId));
  return {
    ...next,
    milestones: next.milestones.map((m) => (m.milestoneId === event.data.milestoneId ? { ...m, ...change(m) } : m)),
  };
}

type MilestoneCreatedData = Extract<ContractEvent, { type: 'MilestoneCreated' }>['data'];

function newMilestone({ milestoneId, name, description, amount, dueDate }: MilestoneCreatedData): MilestoneFacts {
  return {
    milestoneId, name, description, amountCents: amount.amountCents, dueDate,
    fundedAt: null, approvalRequestedAt: null, approvedAt: null, paidAt: null,
    paymentReference: null, chargeReference: null, transferReference: null, lastFailure: null,
    resolution: null, resolvedAt: null, refundedCents: 0, refundReference: null, refundedAt: null,
    chargebacks: [],
  };
}

type MilestoneEvent = Exclude<ContractEvent, { type: 'ContractCreated' | 'ContractArchived' | 'MilestoneCreated' }>;

/** Exhaustive (tsc): a new event type needs a case, even one stating no fact the view shows. */
function milestoneChange(event: MilestoneEvent, at: string, after: MilestoneState): (m: MilestoneFacts) => Partial<MilestoneFacts> {
  switch (event.type) {
    case 'MilestoneFundingRequested':
      return () => ({ lastFailure: null });
    case 'MilestoneFundingPending':
      return () => ({ paymentReference: event.data.paymentIntentId });
    case 'MilestoneFunded':
      return () => ({ fundedAt: at, paymentReference: event.data.paymentIntentId, chargeReference: event.data.chargeId });
    case 'MilestoneFundingFailed':
      return () => ({ lastFailure: event.data.reason });
    case 'MilestoneApprovalRequested':
      return () => ({ approvalRequestedAt: at });
    case 'MilestoneApproved':
      return () => ({ approvedAt: at });
    case 'MilestonePayoutCompleted':
      return () => ({ paidAt: at, transferReference: event.data.transferId, lastFailure: null });
    case 'MilestonePayoutFailed':
      return () => ({ lastFailure: event.data.reason });
    case 'MilestoneDisputed': {
      const { chargeback, reason } = event.data;
      if (!chargeback) return () => ({});
      return (m) => ({ chargebacks: [...m.chargebacks, opened(chargeback.disputeId, chargeback.amount.amountCents, reason, at)] });
    }
    case 'MilestoneChargebackOpened': {
      const { disputeId, amount, reason } = event.data;
      return (m) => ({ chargebacks: [...m.chargebacks, opened(disputeId, amount.amountCents, `chargeback: ${reason}`, at)] });
    }
    case 'MilestoneChargebackClosed':
      return (m) => ({ chargebacks: m.chargebacks.map((c) => (c.disputeId === event.data.disputeId ? { ...c, closedAt: at } : c)) });
    case 'MilestoneDisputeResolved':
      // Money the resolution released follows the approval path: the domain's fold says so by its status.
      return () => ({ resolution: event.data.resolution, resolvedAt: at, ...(after.status === 'approved' ? { approvedAt: at } : {}) });
    case 'MilestoneRefunded':
      return (m) => ({
        refundedCents: m.refundedCents + event.data.amount.amountCents,
        refundReference: event.data.refundId,
        refundedAt: at,
      });
    case 'MilestoneCancelled':
    case 'MilestoneAutoReleaseReminderSent':
      return () => ({});
    case 'MilestoneSupportNoteAdded':
      // Support's notes are in the replay and the case file, not in the parties' view.
      return () => ({});
    default:
      return assertNever(event, 'milestone event');
  }
}

function opened(disputeId: string, amountCents: number, reason: string, at: string): ChargebackFacts {
  return { disputeId, amountCents, reason, openedAt: at, closedAt: null };
}
