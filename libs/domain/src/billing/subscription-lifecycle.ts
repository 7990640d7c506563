import { forbidden } from '../shared/errors';
import type { Actor } from '../shared/metadata';
import type {
  CancelSubscription,
  EmployerEvent,
  EmployerState,
  EmployerSubscription,
  RecordSubscriptionCanceled,
  RecordSubscriptionUpdate,
} from './employer';
import { requireThisEmployer } from './ownership';

/**
 * What happens to an agency's subscription after it starts. The provider tells us by webhooks,
 * which it redelivers and delivers out of order, so every rule here answers "nothing new" rather
 * than failing: a refusal would only be retried and parked as stuck, while the history it would
 * have written is already right.
 */

export function decideSubscriptionUpdate(command: RecordSubscriptionUpdate, state: EmployerState): EmployerEvent[] {
  const { actor, data } = command;
  requirePaymentService(actor);
  const current = openSubscriptionNamed(state, data.subscriptionId);
  if (current === null || isStale(current, data.providerEventAt)) return [];
  const { employerId, subscriptionId, currentPeriodEnd, latestInvoiceId, providerEventAt, status } = data;
  // Stripe may report the end as an update too; canceled stays one event, whoever reports it.
  if (status === 'canceled') return [canceled({ employerId, subscriptionId, canceledAt: providerEventAt }, 'provider')];
  if (current.status === status && current.currentPeriodEnd === currentPeriodEnd && current.latestInvoiceId === latestInvoiceId) return [];
  return [{ type: 'EmployerSubscriptionUpdated', data: { employerId, subscriptionId, status, currentPeriodEnd, latestInvoiceId, providerEventAt } }];
}

/** A cancel reported by the provider wins whatever its time: canceled is final at the provider too. */
export function decideProviderCancel(command: RecordSubscriptionCanceled, state: EmployerState): EmployerEvent[] {
  requirePaymentService(command.actor);
  if (openSubscriptionNamed(state, command.data.subscriptionId) === null) return [];
  return [canceled(command.data, 'provider')];
}

/**
 * The employer's own cancel, recorded after the provider canceled. Already canceled (a repeat, or
 * the provider's webhook got here first) records nothing: the first record says who and when.
 */
export function decideEmployerCancel(command: CancelSubscription, state: EmployerState): EmployerEvent[] {
  requireThisEmployer(command.actor, command.data.employerId, 'CancelSubscription');
  if (openSubscriptionNamed(state, command.data.subscriptionId) === null) return [];
  return [canceled(command.data, 'employer')];
}

/** The current subscription if it has this id and is not canceled; another id is old history. */
function openSubscriptionNamed(state: EmployerState, subscriptionId: string): EmployerSubscription | null {
  const current = state.subscription;
  return current !== null && current.subscriptionId === subscriptionId && current.canceled === null ? current : null;
}

/** Older than the last provider event applied: a late delivery that newer news already replaced. */
function isStale(current: EmployerSubscription, providerEventAt: string): boolean {
  return current.lastProviderEventAt !== null && Date.parse(providerEventAt) < Date.parse(current.lastProviderEventAt);
}

function canceled(data: { employerId: string; subscriptionId: string; canceledAt: string }, by: 'employer' | 'provider'): EmployerEvent {
  const { employerId, subscriptionId, canceledAt } = data;
  return { type: 'EmployerSubscriptionCanceled', data: { employerId, subscriptionId, canceledAt, by } };
}

function requirePaymentService(actor: Actor): void {
  if (actor.role !== 'service') throw forbidden('not_service', 'subscription updates from the provider are recorded by the payment service only');
}
