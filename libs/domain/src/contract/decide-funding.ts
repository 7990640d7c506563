import { conflict, unprocessable } from '../shared/errors';
import { usd } from '../shared/money';
import type { RecordFunded, RecordFundingFailed, RecordFundingPending, RequestFunding } from './commands';
import type { ContractEvent } from './events';
import { milestoneIn, milestoneOf, ref, requireEmployer, requireService } from './guards';
import type { ContractOpen, MilestoneState } from './state';

/**
 * The employer asks to fund; the saga charges the saved payment method, so one must be on file
 * before anything is recorded (the application looks it up before deciding).
 */
export function decideRequestFunding(command: RequestFunding, state: ContractOpen): ContractEvent[] {
  requireEmployer(state, command.actor);
  const milestone = milestoneIn(state, command.data.milestoneId, 'pending', 'fund');
  const { paymentMethod, plan } = command.data;
  // Agency accounts fund only under an active subscription plan (billed apart from milestones).
  if (plan?.agency === true && plan.activePlanId === null) {
    throw unprocessable(
      'agency_subscription_required',
      `employer ${state.employerId} is an agency account without an active subscription plan; subscribe first`,
    );
  }
  if (!paymentMethod) {
    throw unprocessable('payment_method_required', 'employer has no payment method on file; attach one first');
  }
  return [
    {
      type: 'MilestoneFundingRequested',
      data: { ...ref(state, milestone), employerId: state.employerId, amount: usd(milestone.amountCents), ...paymentMethod },
    },
  ];
}

/**
 * Funding outcomes arrive twice or more: from the saga's synchronous answer and from Stripe's
 * webhooks, in any order. An outcome already recorded is no event, never an error; an outcome
 * that contradicts one recorded is a conflict.
 */
export function decideFundingPending(command: RecordFundingPending, state: ContractOpen): ContractEvent[] {
  requireService(command.actor);
  const { milestoneId, paymentIntentId, nextStep } = command.data;
  const known = milestoneOf(state, milestoneId);
  // A late "processing" for an attempt whose outcome is known already says nothing new.
  if (known.fundedPaymentIntentId === paymentIntentId || known.failedPaymentIntentIds.includes(paymentIntentId)) return [];
  const milestone = milestoneIn(state, milestoneId, 'funding', 'record pending funding of');
  requireCurrentAttempt(milestone, paymentIntentId);
  if (milestone.paymentIntentId === paymentIntentId && milestone.fundingNextStep === nextStep) return [];
  return [{ type: 'MilestoneFundingPending', data: { ...ref(state, milestone), paymentIntentId, nextStep } }];
}

export function decideFunded(command: RecordFunded, state: ContractOpen): ContractEvent[] {
  requireService(command.actor);
  const { milestoneId, paymentIntentId, chargeId, amountCents } = command.data;
  const known = milestoneOf(state, milestoneId);
  if (known.fundedPaymentIntentId === paymentIntentId) return [];
  if (known.failedPaymentIntentIds.includes(paymentIntentId)) {
    throw conflict('payment_intent_failed', `payment intent ${paymentIntentId} of milestone ${milestoneId} was recorded as failed`);
  }
  const milestone = milestoneIn(state, milestoneId, 'funding', 'record funding of');
  requireCurrentAttempt(milestone, paymentIntentId);
  if (amountCents !== milestone.amountCents) {
    throw conflict('amount_mismatch', `charged ${amountCents} cents, milestone is ${milestone.amountCents}`);
  }
  return [{ type: 'MilestoneFunded', data: { ...ref(state, milestone), amount: usd(milestone.amountCents), paymentIntentId, chargeId } }];
}

/**
 * Rule for failures that do not match the current attempt: a failure of an attempt other than
 * the one recorded as pending is stale (an older attempt's webhook, late) and records nothing:
 * it cannot undo the attempt in flight, whose own outcome will still arrive. A failure without
 * a payment intent while one is pending cannot be matched to it, so it is refused.
 */
export function decideFundingFailed(command: RecordFundingFailed, state: ContractOpen): ContractEvent[] {
  requireService(command.actor);
  const { milestoneId, reason, declineCode, paymentIntentId } = command.data;
  const known = milestoneOf(state, milestoneId);
  if (paymentIntentId !== null && known.failedPaymentIntentIds.includes(paymentIntentId)) return [];
  if (paymentIntentId !== null && known.fundedPaymentIntentId === paymentIntentId) {
    throw conflict('payment_intent_funded', `payment intent ${paymentIntentId} already funded milestone ${milestoneId}`);
  }
  const milestone = milestoneIn(state, milestoneId, 'funding', 'record failed funding of');
  const pending = milestone.paymentIntentId;
  if (pending !== null && paymentIntentId !== null && pending !== paymentIntentId) return [];
  if (pending !== null && paymentIntentId === null) {
    throw conflict('payment_intent_mismatch', `milestone ${milestoneId} waits on payment intent ${pending}; a failure without one cannot end it`);
  }
  return [{ type: 'MilestoneFundingFailed', data: { ...ref(state, milestone), reason, declineCode, paymentIntentId } }];
}

function requireCurrentAttempt(milestone: MilestoneState, paymentIntentId: string): void {
  const pending = milestone.paymentIntentId;
  if (pending !== null && pending !== paymentIntentId) {
    throw conflict(
      'payment_intent_mismatch',
      `milestone ${milestone.milestoneId} waits on payment intent ${pending}, not ${paymentIntentId}`,
    );
  }
}
