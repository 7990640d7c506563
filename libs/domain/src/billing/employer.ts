import { assertNever } from '../shared/assert';
import { conflict, forbidden, notFound, unprocessable } from '../shared/errors';
import type { Actor, DomainEvent } from '../shared/metadata';
import { requireThisEmployer } from './ownership';
import { decideEmployerCancel, decideProviderCancel, decideSubscriptionUpdate } from './subscription-lifecycle';

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
/**
 * What the provider reports of the subscription later (Stripe's customer.subscription.updated):
 * a renewal, a failed payment (`past_due`, `unpaid`), a recovery. `providerEventAt` is when the
 * provider's event happened, not when it reached us: deliveries come out of order.
 */
export type EmployerSubscriptionUpdated = DomainEvent<
  'EmployerSubscriptionUpdated',
  {
    employerId: string;
    subscriptionId: string;
    status: LiveSubscriptionStatus;
    /** ISO 8601 instant the current billing period ends. */
    currentPeriodEnd: string;
    latestInvoiceId: string | null;
    /** ISO 8601 instant of the provider's event that reported it. */
    providerEventAt: string;
  }
>;
/** The subscription ended, at the employer's request or by the provider (unpaid, canceled in its dashboard). Terminal. */
export type EmployerSubscriptionCanceled = DomainEvent<
  'EmployerSubscriptionCanceled',
  { employerId: string; subscriptionId: string; canceledAt: string; by: SubscriptionCanceledBy }
>;
export type EmployerEvent =
  | EmployerPaymentMethodAttached
  | EmployerCustomerCreated
  | EmployerAccountTypeSet
  | EmployerSubscriptionStarted
  | EmployerSubscriptionUpdated
  | EmployerSubscriptionCanceled;

export type EmployerAccountType = 'standard' | 'agency';
export const employerAccountTypes: readonly EmployerAccountType[] = ['standard', 'agency'];
/** Stripe's subscription statuses. */
export type SubscriptionStatus = 'incomplete' | 'incomplete_expired' | 'trialing' | 'active' | 'past_due' | 'canceled' | 'unpaid' | 'paused';
export const subscriptionStatuses: readonly SubscriptionStatus[] = [
  'incomplete', 'incomplete_expired', 'trialing', 'active', 'past_due', 'canceled', 'unpaid', 'paused',
];
/** A canceled subscription is recorded only as EmployerSubscriptionCanceled, never as an update. */
export type LiveSubscriptionStatus = Exclude<SubscriptionStatus, 'canceled'>;
export type SubscriptionCanceledBy = 'employer' | 'provider';
/** Statuses of a subscription that bills no more: only then may another one start. */
const endedSubscriptionStatuses: readonly SubscriptionStatus[] = ['canceled', 'incomplete_expired'];
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
/** The provider's report of the subscription (a webhook), recorded by the payment service. */
export type RecordSubscriptionUpdate = {
  readonly type: 'RecordSubscriptionUpdate';
  readonly actor: Actor;
  readonly data: Omit<EmployerSubscriptionUpdated['data'], 'status'> & { status: SubscriptionStatus };
};
/** The provider ended the subscription (customer.subscription.deleted), recorded by the payment service. */
export type RecordSubscriptionCanceled = {
  readonly type: 'RecordSubscriptionCanceled';
  readonly actor: Actor;
  readonly data: { employerId: string; subscriptionId: string; canceledAt: string };
};
/** The employer ended its own subscription: the provider has canceled it, this records it. */
export type CancelSubscription = {
  readonly type: 'CancelSubscription';
  readonly actor: Actor;
  readonly data: { employerId: string; subscriptionId: string; canceledAt: string };
};
export type EmployerCommand =
  | AttachPaymentMethod
  | RecordCustomer
  | SetAccountType
  | RecordSubscription
  | RecordSubscriptionUpdate
  | RecordSubscriptionCanceled
  | CancelSubscription;

export type EmployerSubscription = Omit<EmployerSubscriptionStarted['data'], 'employerId'> & {
  /** The provider's event time of the last update applied; an older one arriving later is stale. */
  readonly lastProviderEventAt: string | null;
  readonly canceled: { readonly at: string; readonly by: SubscriptionCanceledBy } | null;
};

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
  // A lapsed subscription (past_due, unpaid, incomplete, paused) is still open at the provider and
  // may still bill: a second one beside it would charge the employer twice.
  const open = state.subscription;
  if (active === null && open !== null && !endedSubscriptionStatuses.includes(open.status)) {
    throw conflict(
      'subscription_exists',
      `employer ${employerId} has subscription ${open.subscriptionId} (${open.status}) still open: update its payment method, or cancel it before subscribing again`,
    );
  }
}

/**
 * The subscription the employer may cancel: its current one, whatever its status (a lapsed one
 * still bills). None at all is a 404; a canceled one is returned as it is, so a repeated cancel
 * answers the canceled state instead of failing.
 */
export function requireSubscriptionToCancel(state: EmployerState, employerId: string): EmployerSubscription {
  if (state.subscription === null) {
    throw notFound('subscription_not_found', `employer ${employerId} has no subscription to cancel`);
  }
  return state.subscription;
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
      const { employerId: _, ...started } = event.data;
      return { ...state, subscription: { ...started, lastProviderEventAt: null, canceled: null } };
    }
    case 'EmployerSubscriptionUpdated':
      return { ...state, subscription: withUpdate(state.subscription, event.data) };
    case 'EmployerSubscriptionCanceled':
      return { ...state, subscription: withCancel(state.subscription, event.data) };
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
    case 'RecordSubscriptionUpdate':
      return decideSubscriptionUpdate(command, state);
    case 'RecordSubscriptionCanceled':
      return decideProviderCancel(command, state);
    case 'CancelSubscription':
      return decideEmployerCancel(command, state);
    default:
      return assertNever(command, 'employer command');
  }
}

/** Events of another subscription than the current one are history: the fold keeps the current one. */
function withUpdate(subscription: EmployerSubscription | null, data: EmployerSubscriptionUpdated['data']): EmployerSubscription | null {
  if (subscription?.subscriptionId !== data.subscriptionId) return subscription;
  const { status, currentPeriodEnd, latestInvoiceId, providerEventAt } = data;
  return { ...subscription, status, currentPeriodEnd, latestInvoiceId, lastProviderEventAt: providerEventAt };
}

function withCancel(subscription: EmployerSubscription | null, data: EmployerSubscriptionCanceled['data']): EmployerSubscription | null {
  if (subscription?.subscriptionId !== data.subscriptionId) return subscription;
  return { ...subscription, status: 'canceled', canceled: { at: data.canceledAt, by: data.by } };
}

export const employerDecider = { decide: decideEmployer, evolve: evolveEmployer, initialState: initialEmployerState };
