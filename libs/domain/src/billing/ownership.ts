import { forbidden } from '../shared/errors';
import type { Actor } from '../shared/metadata';

/**
 * An employer's or a trainer's billing account is its own: no other party, and no staff, acts
 * on it. The deciders refuse such commands; the application calls the same guard before it asks
 * the payment provider anything (so nobody creates provider customers for someone else), so the
 * rule and its refusal are written once, here.
 */

/** What each owner-only employer action is called in its refusal ("an employer can only …"). */
const employerActions = {
  AttachPaymentMethod: 'attach its own payment method',
  RecordCustomer: 'record its own customer',
  /** Starting the provider's payment-method form: no domain command of its own, but the same rule. */
  StartPaymentMethodSetup: 'set up its own payment method',
  Subscribe: 'subscribe itself to a plan',
  CancelSubscription: 'cancel its own subscription',
} as const;

export type EmployerAction = keyof typeof employerActions;

export function requireThisEmployer(actor: Actor, employerId: string, action: EmployerAction): void {
  if (actor.role !== 'employer' || actor.id !== employerId) {
    throw forbidden('not_this_employer', `an employer can only ${employerActions[action]}`);
  }
}

export function requireThisTrainer(actor: Actor, trainerId: string): void {
  if (actor.role !== 'trainer' || actor.id !== trainerId) {
    throw forbidden('not_this_trainer', 'a trainer can only connect its own payout account');
  }
}
