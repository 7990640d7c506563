import { assert } from '../shared/assert';
import type { ContractOpen, MilestoneState } from './state';

/**
 * What the evolvers share. An event names a milestone its own stream created, so a missing one
 * is a bug (an assertion), never a domain error: `evolve` only reads back what `decide` wrote.
 */

export function knownMilestone(state: ContractOpen, milestoneId: string): MilestoneState {
  const milestone = state.milestones[milestoneId];
  assert(milestone !== undefined, `event refers to known milestone ${milestoneId}`);
  return milestone;
}

export function withMilestone(state: ContractOpen, milestoneId: string, milestone: MilestoneState): ContractOpen {
  assert(state.milestones[milestoneId] === undefined, `milestone ${milestoneId} is created once`);
  return { ...state, milestones: { ...state.milestones, [milestoneId]: milestone } };
}

export function updateMilestone(state: ContractOpen, milestoneId: string, change: Partial<MilestoneState>): ContractOpen {
  const milestone = state.milestones[milestoneId];
  assert(milestone !== undefined, `event refers to known milestone ${milestoneId}`);
  return { ...state, milestones: { ...state.milestones, [milestoneId]: { ...milestone, ...change } } };
}
