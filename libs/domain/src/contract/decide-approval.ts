import { assert } from '../shared/assert';
import { conflict, forbidden, invalid } from '../shared/errors';
import type { Actor } from '../shared/metadata';
import { Money, usd } from '../shared/money';
import { autoReleaseDueAt, dayMs } from './auto-release';
import type { Approve, AutoReleaseFacts, RecordPayoutCompleted, RecordPayoutFailed, RemindAutoRelease, RequestApproval } from './commands';
import type { ContractEvent } from './events';
import { milestoneIn, milestoneOf, ref, requireEmployer, requireService, requireTrainer } from './guards';
import type { ContractOpen } from './state';

/** The happy path after funding: the trainer delivers, the employer approves, the saga pays out. */

export function decideRequestApproval(command: RequestApproval, state: ContractOpen): ContractEvent[] {
  requireTrainer(state, command.actor);
  const milestone = milestoneIn(state, command.data.milestoneId, 'funded', 'request approval of');
  return [
    {
      type: 'MilestoneApprovalRequested',
      data: { ...ref(state, milestone), trainerId: state.trainerId, note: command.data.note },
    },
  ];
}

/**
 * Approval fixes the fee and the trainer's net now, so the payout cannot be recomputed differently
 * later. The employer approves; with `autoRelease`, the service approves in the employer's stead a
 * request left unanswered for the configured days: the same event, fee and payout, another reason.
 */
export function decideApprove(command: Approve, state: ContractOpen): ContractEvent[] {
  const auto = command.data.autoRelease;
  if (auto) requireAutoReleaseService(command.actor);
  else requireEmployer(state, command.actor);
  const milestone = milestoneIn(state, command.data.milestoneId, 'pending_approval', auto ? 'auto-release' : 'approve');
  if (auto) requireAutoReleaseDue(milestone.milestoneId, auto);
  assert(milestone.chargeId !== null, `funded milestone ${milestone.milestoneId} has a charge`);
  const { feeCents, netCents } = Money.feeOf(milestone.amountCents, command.data.feeBps);
  return [
    {
      type: 'MilestoneApproved',
      data: {
        ...ref(state, milestone),
        trainerId: state.trainerId,
        amount: usd(milestone.amountCents),
        fee: usd(feeCents),
        net: usd(netCents),
        feeBps: command.data.feeBps,
        chargeId: milestone.chargeId,
        reason: auto ? 'auto_release' : 'employer',
      },
    },
  ];
}

/**
 * A reminder to the employer, `daysBefore` days before the auto-release: only while the milestone
 * still waits, once the reminder's time has come and before the release is due (a reminder the
 * worker could not send in time is not sent late).
 */
export function decideRemindAutoRelease(command: RemindAutoRelease, state: ContractOpen): ContractEvent[] {
  requireAutoReleaseService(command.actor);
  const milestone = milestoneIn(state, command.data.milestoneId, 'pending_approval', 'remind of the auto-release of');
  const { daysBefore, autoRelease } = command.data;
  const { nowMs, due } = autoReleaseTimes(autoRelease);
  if (!Number.isInteger(daysBefore) || daysBefore < 1 || daysBefore >= autoRelease.afterDays) {
    throw invalid('invalid_auto_release', `a reminder goes out a whole number of days before the auto-release, from 1 to ${autoRelease.afterDays - 1}, not ${daysBefore}`);
  }
  const remindAt = due.getTime() - daysBefore * dayMs;
  if (nowMs < remindAt) {
    throw conflict('auto_release_not_due', `the ${daysBefore}-day reminder for milestone ${milestone.milestoneId} is due at ${new Date(remindAt).toISOString()}, not yet at ${autoRelease.now}`);
  }
  if (nowMs >= due.getTime()) {
    throw conflict('auto_release_reminder_late', `milestone ${milestone.milestoneId} is due for auto-release at ${due.toISOString()}: too late for its ${daysBefore}-day reminder`);
  }
  return [
    {
      type: 'MilestoneAutoReleaseReminderSent',
      data: { ...ref(state, milestone), employerId: state.employerId, trainerId: state.trainerId, daysBefore, releaseAt: due.toISOString() },
    },
  ];
}

/** Only the service approves in the employer's stead; no person can claim a request went unanswered. */
function requireAutoReleaseService(actor: Actor): void {
  if (actor.role !== 'service') throw forbidden('not_service', `only the auto-release service can act in the employer's stead`);
}

/** The wait must be a whole number of days, and over: the employer had every one of them to answer. */
function requireAutoReleaseDue(milestoneId: string, facts: AutoReleaseFacts): void {
  const { nowMs, due } = autoReleaseTimes(facts);
  if (nowMs < due.getTime()) {
    throw conflict('auto_release_not_due', `milestone ${milestoneId} waits for approval since ${facts.pendingApprovalSince}: auto-release is due at ${due.toISOString()}, not yet at ${facts.now}`);
  }
}

/** The facts checked in themselves: a whole number of days, instants that parse. */
function autoReleaseTimes(facts: AutoReleaseFacts): { nowMs: number; due: Date } {
  const { now, pendingApprovalSince, afterDays } = facts;
  if (!Number.isInteger(afterDays) || afterDays < 1) throw invalid('invalid_auto_release', `auto-release waits a whole number of days, at least 1, not ${afterDays}`);
  const nowMs = Date.parse(now);
  if (Number.isNaN(nowMs) || Number.isNaN(Date.parse(pendingApprovalSince))) throw invalid('invalid_auto_release', `auto-release times must be ISO 8601 instants`);
  return { nowMs, due: autoReleaseDueAt(pendingApprovalSince, afterDays) };
}

export function decidePayoutCompleted(command: RecordPayoutCompleted, state: ContractOpen): ContractEvent[] {
  requireService(command.actor);
  // The transfer reported again (saga retry, webhook): already recorded, nothing new.
  if (milestoneOf(state, command.data.milestoneId).transferIds.includes(command.data.transferId)) return [];
  const milestone = milestoneIn(state, command.data.milestoneId, 'approved', 'record payout of');
  const { transferId, destinationAccountId, amountCents } = command.data;
  if (amountCents !== milestone.netCents) {
    throw conflict('amount_mismatch', `transferred ${amountCents} cents, the trainer is owed ${String(milestone.netCents)}`);
  }
  return [
    {
      type: 'MilestonePayoutCompleted',
      data: { ...ref(state, milestone), trainerId: state.trainerId, amount: usd(amountCents), transferId, destinationAccountId },
    },
  ];
}

/** A failed payout leaves the milestone approved; the attempt count lets the saga bound its retries. */
export function decidePayoutFailed(command: RecordPayoutFailed, state: ContractOpen): ContractEvent[] {
  requireService(command.actor);
  const milestone = milestoneIn(state, command.data.milestoneId, 'approved', 'record failed payout of');
  const { reason, retryable } = command.data;
  return [
    {
      type: 'MilestonePayoutFailed',
      data: { ...ref(state, milestone), trainerId: state.trainerId, reason, retryable, attempt: milestone.payoutAttempts + 1 },
    },
  ];
}
