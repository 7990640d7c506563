import { evolve } from './evolve';
import type { ContractEvent } from './events';
import { initialState, type ContractState } from './state';

/**
 * Auto-release: an employer who leaves a request for approval unanswered does not hold the
 * trainer's money forever. After `afterDays` days in `pending_approval` (no dispute meanwhile:
 * a dispute takes the milestone out of the status, and a chargeback won brings it back with a new
 * wait), the service approves it as the employer would have, with reason `auto_release`. The
 * employer is reminded 7 and 1 days before. Pure: times are ISO 8601 instants given by callers.
 */

export const dayMs = 24 * 60 * 60 * 1_000;

/** Reminders go out this many days before the release (those that fall before the wait began are skipped). */
export const autoReleaseReminderDaysBefore: readonly number[] = [7, 1];

/** A contract event as the log holds it: with its id and when it was written. */
export interface TimedContractEvent {
  readonly eventId: string;
  readonly occurredAt: string;
  readonly event: ContractEvent;
}

/** A milestone's current wait for approval: since when, and the event that began it. */
export interface ApprovalWait {
  readonly contractId: string;
  readonly milestoneId: string;
  readonly since: string;
  readonly causeEventId: string;
}

/**
 * The wait a milestone is in now, from its contract's events in log order: it begins with the
 * event that moved the milestone into `pending_approval` (the trainer's request, or a chargeback
 * won that returned it there) and ends when the milestone leaves that status. Null when the
 * milestone is not waiting for approval.
 */
export function approvalWaitOf(history: readonly TimedContractEvent[], milestoneId: string): ApprovalWait | null {
  let state: ContractState = initialState();
  let wait: ApprovalWait | null = null;
  for (const { eventId, occurredAt, event } of history) {
    const before = statusOf(state, milestoneId);
    state = evolve(state, event);
    const after = statusOf(state, milestoneId);
    if (after !== 'pending_approval') wait = null;
    else if (before !== 'pending_approval' && state.status !== 'none') wait = { contractId: state.contractId, milestoneId, since: occurredAt, causeEventId: eventId };
  }
  return wait;
}

/** When a wait that began at `since` ends in an auto-release. */
export function autoReleaseDueAt(since: string, afterDays: number): Date {
  return new Date(Date.parse(since) + afterDays * dayMs);
}

/** The reminders of a wait: how many days before the release, and when each is due. */
export function autoReleaseReminders(since: string, afterDays: number): { daysBefore: number; dueAt: Date }[] {
  return autoReleaseReminderDaysBefore
    .filter((daysBefore) => daysBefore < afterDays)
    .map((daysBefore) => ({ daysBefore, dueAt: autoReleaseDueAt(since, afterDays - daysBefore) }));
}

function statusOf(state: ContractState, milestoneId: string) {
  return state.status === 'none' ? undefined : state.milestones[milestoneId]?.status;
}
