import { assert, assertNever } from '../shared/assert';
import type { ContractEvent } from './events';
import { evolveApprovalRequested, evolveApproved, evolvePayoutCompleted, evolvePayoutFailed } from './evolve-approval';
import { evolveChargebackClosed, evolveChargebackOpened } from './evolve-chargebacks';
import { evolveDisputed, evolveDisputeResolved, evolveRefunded } from './evolve-disputes';
import { evolveFunded, evolveFundingFailed, evolveFundingPending, evolveFundingRequested } from './evolve-funding';
import { evolveContractArchived, evolveMilestoneCancelled, evolveMilestoneCreated } from './evolve-hiring';
import { knownMilestone } from './milestone-updates';
import { initialState, type ContractState } from './state';

/**
 * Routes an event to its evolver. ContractCreated is the only event that meets no contract;
 * every other one follows it in the stream, so that is asserted once here.
 */
export function evolve(state: ContractState, event: ContractEvent): ContractState {
  if (event.type === 'ContractCreated') {
    assert(state.status === 'none', 'ContractCreated starts a stream');
    return { status: 'active', ...event.data, milestones: {} };
  }
  assert(state.status !== 'none', `${event.type} follows ContractCreated`);
  switch (event.type) {
    case 'MilestoneCreated':
      return evolveMilestoneCreated(state, event);
    case 'MilestoneCancelled':
      return evolveMilestoneCancelled(state, event);
    case 'ContractArchived':
      return evolveContractArchived(state, event);
    case 'MilestoneFundingRequested':
      return evolveFundingRequested(state, event);
    case 'MilestoneFundingPending':
      return evolveFundingPending(state, event);
    case 'MilestoneFunded':
      return evolveFunded(state, event);
    case 'MilestoneFundingFailed':
      return evolveFundingFailed(state, event);
    case 'MilestoneApprovalRequested':
      return evolveApprovalRequested(state, event);
    case 'MilestoneApproved':
      return evolveApproved(state, event);
    case 'MilestoneAutoReleaseReminderSent':
      // A message to the employer: nothing about the milestone changes.
      return state;
    case 'MilestonePayoutCompleted':
      return evolvePayoutCompleted(state, event);
    case 'MilestonePayoutFailed':
      return evolvePayoutFailed(state, event);
    case 'MilestoneDisputed':
      return evolveDisputed(state, event);
    case 'MilestoneChargebackOpened':
      return evolveChargebackOpened(state, event);
    case 'MilestoneChargebackClosed':
      return evolveChargebackClosed(state, event);
    case 'MilestoneDisputeResolved':
      return evolveDisputeResolved(state, event);
    case 'MilestoneRefunded':
      return evolveRefunded(state, event);
    case 'MilestoneSupportNoteAdded':
      // A note changes nothing the decider acts on; the milestone must exist.
      knownMilestone(state, event.data.milestoneId);
      return state;
    default:
      // Compile time: every event type has a case. Run time: an unknown type is a bug.
      return assertNever(event, 'contract event');
  }
}

export function replay(events: readonly ContractEvent[]): ContractState {
  return events.reduce(evolve, initialState());
}
