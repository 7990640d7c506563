import type { Actor } from '@escrow/domain';
import type { RunningApp } from './app';
import { freshEmployer, freshTrainer, validHire } from './api-checks';

export interface SubscribedAgency {
  readonly employer: Actor;
  readonly subscription: { readonly subscriptionId: string; readonly currentPeriodEnd: string; readonly providerInvoiceId: string };
  /** Funds the agency's first milestone (pending until called). */
  fund(): ReturnType<RunningApp['request']>;
}

/**
 * A fresh employer with a card, made an agency by `staff`, subscribed to `planId` through the
 * API (whichever gateway the app runs), with one contract whose milestone waits to be funded.
 */
export async function subscribedAgency(api: RunningApp, staff: Actor, planId = 'agency_basic'): Promise<SubscribedAgency> {
  const post = (path: string, as: Actor, body: unknown) => api.request('POST', path, { as, body });
  const employer = freshEmployer();
  expect((await post(`/v1/employers/${employer.id}/payment-method`, employer, { paymentMethodId: 'pm_card_visa' })).status).toBe(200);
  expect((await post(`/v1/employers/${employer.id}/account-type`, staff, { accountType: 'agency' })).status).toBe(200);
  const subscribed = await post(`/v1/employers/${employer.id}/subscription`, employer, { planId });
  expect(subscribed.status).toBe(201);
  const hired = await post('/v1/contracts', employer, validHire(freshTrainer().id));
  expect(hired.status).toBe(201);
  const { contractId, milestoneId } = hired.body as { contractId: string; milestoneId: string };
  return {
    employer,
    subscription: subscribed.body.subscription,
    fund: () => post(`/v1/contracts/${contractId}/milestones/${milestoneId}/fund`, employer, {}),
  };
}
