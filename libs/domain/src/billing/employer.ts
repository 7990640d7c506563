import { assertNever } from '../shared/assert';
import { conflict, forbidden, unprocessable } from '../shared/errors';
import type { Actor, DomainEvent } from '../shared/metadata';
import { requireThisEmployer } from './ownership';

export { requireThisEmployer, type EmployerAction } from './ownership';

export const employerStream = (employerId: string) => `employer-${employerId}`;

export type EmployerPaymentMethodAttached = DomainEvent<
  'EmployerPaymentMethodAttached',
  { employerId: string; customerId: string; paymentMethodId: string }
>;
export type EmployerCustomerCreated = DomainEvent<'EmployerCustomerCreated', { employerId: string; customerId: string }>;
/** Support or finance marks an employer account as an agency (a plan is then required to fund) or standard again. */
export type EmployerAccountTypeSet = DomainEvent<'EmployerAccountTypeSet', { employerId: string; accountType: EmployerAccountType }>;
/**
 * The employer's subscription plan, started at the provider (Stripe Billing). Subscription billing
 * is separate from milestone charges: nothing here moves escrow money, and the provider's invoice
 * (`latestInvoiceId`) is the provider's, never one of our milestone invoices.
 */
export type EmployerSubscriptionStarted = DomainEvent<
  'EmployerSubscriptionStarted',
  {
    employerId: string;
    planId: string;
    subscriptionId: string;
    customerId: string;
    status: SubscriptionStatus;
    /** ISO 8601 instant the current billing period ends. */
    currentPeriodEnd: string;
    latestInvoiceId: string | null;
  }
>;
export type EmployerEvent = EmployerPaymentMethodAttached | EmployerCustomerCreated | EmployerAccountTypeSet | EmployerSubscriptionStarted;

export type EmployerAccountType = 'standard' | 'agency';
export const employerAccountTypes: readonly EmployerAccountType[] = ['standard', 'agency'];
/** Stripe's subscription statuses. */
export type SubscriptionStatus = 'incomplete' | 'incomplete_expired' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'paused';
export const subscriptionStatuses: readonly SubscriptionStatus[] = [
  'incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused',
];
/** The statuses under which an agency may fund milestones. */
const activeSubscriptionStatuses: readonly SubscriptionStatus[] = ['active', 'trialing'];

export type AttachPaymentMethod = {
  readonly type: 'AttachPaymentMethod';
  readonly actor: Actor;
  readonly data: { employerId: string; customerId: string; paymentMethodId: string };
};
/** The Stripe customer created for the employer, recorded once so every later call reuses it. */
export type RecordCustomer = {
  readonly type: 'RecordCustomer';
  readonly actor: Actor;
  readonly data: { employerId: string; customerId: string };
};
/** Support or finance decides whether an account is an agency account. */
export type SetAccountType = {
  readonly type: 'SetAccountType';
  readonly actor: Actor;
  readonly data: { employerId: string; accountType: EmployerAccountType };
};
/** The subscription the provider started for the employer, recorded by the employer's own request. */
export type RecordSubscription = {
  readonly type: 'RecordSubscription';
  readonly actor: Actor;
  readonly data: EmployerSubscriptionStarted['data'];
};
export type EmployerCommand = AttachPaymentMethod | RecordCustomer | SetAccountType | RecordSubscription;

export type EmployerSubscription = Omit<EmployerSubscriptionStarted['data'], 'employerId'>;

export interface EmployerState {
  readonly paymentMethod: { customerId: string; paymentMethodId: string } | null;
  readonly customerId: string | null;
  readonly accountType: EmployerAccountType;
  readonly subscription: EmployerSubscription | null;
}

export const initialEmployerState = (): EmployerState => ({ paymentMethod: null, customerId: null, accountType: 'standard', subscription: null });

/** The plan of an active subscription (active or trialing), or null. */
export function activePlanOf(state: EmployerState): string | null {
  const subscription = state.subscription;
  return subscription !== null && activeSubscriptionStatuses.includes(subscription.status) ? subscription.planId : null;
}

/** What the funding decider needs to know of the employer's plan. */
export function planOnFile(state: EmployerState): { agency: boolean; activePlanId: string | null } {
  return { agency: state.accountType === 'agency', activePlanId: activePlanOf(state) };
}

/**
 * One subscription per employer: subscribing again to the plan it has is a repeat (no second
 * subscription), to another plan while one is active a conflict (plan changes are not offered).
 * Asked by the application before the provider is called, and by the decider.
 */
export function requireNoOtherSubscription(state: EmployerState, employerId: string, planId: string): void {
  const active = activePlanOf(state);
  if (active !== null && active !== planId) {
    throw conflict('subscription_exists', `employer ${employerId} already has an active subscription to plan ${active}`);
  }
}

/** The customer and payment method a subscription bills: the employer's method on file. */
export function requirePaymentMethodForSubscription(state: EmployerState): { customerId: string; paymentMethodId: string } {
  if (state.paymentMethod === null) {
    throw unprocessable('payment_method_required', 'employer has no payment method on file; attach one before subscribing');
  }
  return state.paymentMethod;
}

/** The employer's Stripe customer, once created (or named by an attached payment method). */
export function customerOf(state: EmployerState): string | null {
  return state.customerId;
}

export function evolveEmployer(state: EmployerState, event: EmployerEvent): EmployerState {
  switch (event.type) {
    case 'EmployerPaymentMethodAttached':
      return {
        ...state,
        paymentMethod: { customerId: event.data.customerId, paymentMethodId: event.data.paymentMethodId },
        customerId: event.data.customerId,
      };
    case 'EmployerCustomerCreated':
      return { ...state, customerId: event.data.customerId };
    case 'EmployerAccountTypeSet':
      return { ...state, accountType: event.data.accountType };
    case 'EmployerSubscriptionStarted': {
      const { employerId: _, ...subscription } = event.data;
      return { ...state, subscription };
    }
    default:
      return assertNever(event, 'employer event');
  }
}

export function decideEmployer(command: EmployerCommand, state: EmployerState): EmployerEvent[] {
  switch (command.type) {
    case 'AttachPaymentMethod': {
      const { actor, data } = command;
      requireThisEmployer(actor, data.employerId, command.type);
      const current = state.paymentMethod;
      // Attaching the method already on file again changes nothing: no event.
      if (current?.paymentMethodId === data.paymentMethodId && current.customerId === data.customerId) return [];
      return [{ type: 'EmployerPaymentMethodAttached', data }];
    }
    case 'RecordCustomer': {
      const { actor, data } = command;
      requireThisEmployer(actor, data.employerId, command.type);
      if (state.customerId === data.customerId) return [];
      if (state.customerId !== null) {
        throw conflict('customer_mismatch', `employer ${data.employerId} is customer ${state.customerId}, not ${data.customerId}`);
      }
      return [{ type: 'EmployerCustomerCreated', data }];
    }
    case 'SetAccountType': {
      const { actor, data } = command;
      if (actor.role !== 'support' && actor.role !== 'finance') {
        throw forbidden('staff_only', 'only support or finance can set an employer account type');
      }
      if (state.accountType === data.accountType) return [];
      return [{ type: 'EmployerAccountTypeSet', data }];
    }
    case 'RecordSubscription': {
      const { actor, data } = command;
      requireThisEmployer(actor, data.employerId, 'Subscribe');
      // The same subscription again (a retried request): recorded already, nothing new.
      if (state.subscription?.subscriptionId === data.subscriptionId) return [];
      requireNoOtherSubscription(state, data.employerId, data.planId);
      return [{ type: 'EmployerSubscriptionStarted', data }];
    }
    default:
      return assertNever(command, 'employer command');
  }
}

export const employerDecider = { decide: decideEmployer, evolve: evolveEmployer, initialState: initialEmployerState };
