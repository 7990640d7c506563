import type { Actor } from '../shared/metadata';
import { deciderSpec } from '../testing/decider-spec';
import {
  activePlanOf,
  employerDecider,
  evolveEmployer,
  initialEmployerState,
  planOnFile,
  requireNoOtherSubscription,
  requireSubscriptionToCancel,
  type CancelSubscription,
  type EmployerEvent,
  type RecordSubscription,
  type RecordSubscriptionCanceled,
  type RecordSubscriptionUpdate,
} from './employer';

const employer = { role: 'employer', id: 'emp_1' } as const;
const otherEmployer = { role: 'employer', id: 'emp_2' } as const;
const support = { role: 'support', id: 'sup_1' } as const;
const webhooks = { role: 'service', id: 'stripe-webhooks' } as const;

const periodEnd = '2027-01-05T08:00:00.000Z';
const nextPeriodEnd = '2027-02-05T08:00:00.000Z';
const t1 = '2026-12-10T10:00:00.000Z';
const t2 = '2026-12-10T10:00:05.000Z';
const t3 = '2026-12-11T09:00:00.000Z';

const markedAgency: EmployerEvent = { type: 'EmployerAccountTypeSet', data: { employerId: employer.id, accountType: 'agency' } };
const startedData = (subscriptionId: string, planId: string): RecordSubscription['data'] => ({
  employerId: employer.id, planId, subscriptionId, customerId: 'cus_1', status: 'active', currentPeriodEnd: periodEnd, latestInvoiceId: 'in_1',
});
const started = (subscriptionId = 'sub_1', planId = 'agency_basic'): EmployerEvent => ({ type: 'EmployerSubscriptionStarted', data: startedData(subscriptionId, planId) });

type UpdateData = RecordSubscriptionUpdate['data'];
const updateData = (data: Partial<UpdateData> = {}): UpdateData => ({
  employerId: employer.id,
  subscriptionId: 'sub_1',
  status: 'past_due',
  currentPeriodEnd: periodEnd,
  latestInvoiceId: 'in_2',
  providerEventAt: t1,
  ...data,
});
const update = (data: Partial<UpdateData> = {}, actor: Actor = webhooks): RecordSubscriptionUpdate => ({ type: 'RecordSubscriptionUpdate', actor, data: updateData(data) });
const updated = (data: Partial<UpdateData> = {}): EmployerEvent => {
  const { status, ...rest } = updateData(data);
  if (status === 'canceled') throw new Error('a canceled subscription is never an update');
  return { type: 'EmployerSubscriptionUpdated', data: { ...rest, status } };
};

const providerCancel = (subscriptionId = 'sub_1', actor: Actor = webhooks): RecordSubscriptionCanceled => ({
  type: 'RecordSubscriptionCanceled',
  actor,
  data: { employerId: employer.id, subscriptionId, canceledAt: t3 },
});
const employerCancel = (subscriptionId = 'sub_1', actor: Actor = employer): CancelSubscription => ({
  type: 'CancelSubscription',
  actor,
  data: { employerId: employer.id, subscriptionId, canceledAt: t3 },
});
const canceled = (by: 'employer' | 'provider', subscriptionId = 'sub_1', canceledAt = t3): EmployerEvent => ({
  type: 'EmployerSubscriptionCanceled',
  data: { employerId: employer.id, subscriptionId, canceledAt, by },
});

const fold = (events: EmployerEvent[]) => events.reduce(evolveEmployer, initialEmployerState());

describe("an agency subscription's lifecycle after it starts", () => {
  const employerAccount = deciderSpec(employerDecider);

  describe("the provider's updates (webhooks)", () => {
    it('records a lapse to past_due, and the agency may no longer fund', () => {
      employerAccount.given([markedAgency, started()]).when(update()).then([updated()]);
      expect(planOnFile(fold([markedAgency, started(), updated()]))).toEqual({ agency: true, activePlanId: null });
    });

    it.each(['unpaid', 'incomplete_expired', 'paused'] as const)('%s is not active either', (status) => {
      expect(activePlanOf(fold([started(), updated({ status })]))).toBeNull();
    });

    it('records the recovery back to active (a renewal with its new period and invoice), and funding is allowed again', () => {
      const recovered = { status: 'active', currentPeriodEnd: nextPeriodEnd, latestInvoiceId: 'in_3', providerEventAt: t2 } as const;
      employerAccount.given([started(), updated()]).when(update(recovered)).then([updated(recovered)]);
      expect(activePlanOf(fold([started(), updated(), updated(recovered)]))).toBe('agency_basic');
    });

    it('records nothing for an update identical to what is on file (a redelivered webhook)', () => {
      employerAccount.given([started(), updated()]).when(update()).then([]);
      employerAccount.given([started(), updated()]).when(update({ providerEventAt: t2 })).then([]);
    });

    it('records nothing for the active state the subscription started with', () => {
      employerAccount.given([started()]).when(update({ status: 'active', latestInvoiceId: 'in_1' })).then([]);
    });

    it('records nothing for an update older than the last one applied (delivered out of order)', () => {
      const recovered = { status: 'active', latestInvoiceId: 'in_3', providerEventAt: t2 } as const;
      employerAccount.given([started(), updated(recovered)]).when(update({ providerEventAt: t1 })).then([]);
    });

    it('applies an update of the same second as the last one: the provider gives no finer order', () => {
      employerAccount.given([started(), updated({ providerEventAt: t1 })]).when(update({ status: 'unpaid', providerEventAt: t1 })).then([updated({ status: 'unpaid' })]);
    });

    it('records nothing for an update of another subscription than the current one (old history)', () => {
      employerAccount.given([started('sub_1'), canceled('employer', 'sub_1'), started('sub_2')]).when(update({ subscriptionId: 'sub_1' })).then([]);
      employerAccount.given([started('sub_1')]).when(update({ subscriptionId: 'sub_other' })).then([]);
    });

    it('records nothing for an update of an employer without a subscription', () => {
      employerAccount.given([]).when(update()).then([]);
    });

    it('records nothing for an update after the cancel: canceled is terminal', () => {
      employerAccount.given([started(), canceled('provider')]).when(update({ status: 'active', providerEventAt: '2027-01-01T00:00:00.000Z' })).then([]);
    });

    it('records an update to canceled as the cancel, by the provider, at the time of its event', () => {
      employerAccount.given([started()]).when(update({ status: 'canceled', providerEventAt: t2 })).then([canceled('provider', 'sub_1', t2)]);
    });

    it.each([
      { who: 'the employer', actor: employer },
      { who: 'support', actor: support },
    ])('$who cannot record the provider\'s update', ({ actor }) => {
      employerAccount.given([started()]).when(update({}, actor)).thenThrows('forbidden', 'payment service only');
      employerAccount.given([started()]).when(providerCancel('sub_1', actor)).thenThrows('forbidden', 'payment service only');
    });
  });

  describe('canceling', () => {
    it('the provider cancels the subscription (customer.subscription.deleted)', () => {
      employerAccount.given([markedAgency, started()]).when(providerCancel()).then([canceled('provider')]);
    });

    it('the employer cancels its own subscription', () => {
      employerAccount.given([markedAgency, started()]).when(employerCancel()).then([canceled('employer')]);
    });

    it('a lapsed subscription can be canceled too', () => {
      employerAccount.given([started(), updated()]).when(employerCancel()).then([canceled('employer')]);
    });

    it('canceling twice records nothing, whoever reports it second', () => {
      employerAccount.given([started(), canceled('employer')]).when(employerCancel()).then([]);
      employerAccount.given([started(), canceled('employer')]).when(providerCancel()).then([]);
      employerAccount.given([started(), canceled('provider')]).when(employerCancel()).then([]);
    });

    it('a cancel of another subscription than the current one records nothing', () => {
      employerAccount.given([started('sub_1'), canceled('employer', 'sub_1'), started('sub_2')]).when(providerCancel('sub_1')).then([]);
    });

    it('only the employer itself cancels its subscription', () => {
      employerAccount.given([started()]).when(employerCancel('sub_1', otherEmployer)).thenThrows('forbidden', 'cancel its own subscription');
      employerAccount.given([started()]).when(employerCancel('sub_1', support)).thenThrows('forbidden', 'cancel its own subscription');
    });

    it('after a cancel the agency has no active plan, and the canceled state says when and by whom', () => {
      const state = fold([markedAgency, started(), canceled('employer')]);
      expect(planOnFile(state)).toEqual({ agency: true, activePlanId: null });
      expect(state.subscription).toMatchObject({ subscriptionId: 'sub_1', status: 'canceled', canceled: { at: t3, by: 'employer' } });
    });

    it('after a cancel the employer may subscribe again, to any plan, and funds under the new subscription', () => {
      const history = [markedAgency, started('sub_1'), canceled('employer')];
      expect(() => requireNoOtherSubscription(fold(history), employer.id, 'agency_pro')).not.toThrow();
      employerAccount
        .given(history)
        .when({ type: 'RecordSubscription', actor: employer, data: startedData('sub_2', 'agency_pro') })
        .then([started('sub_2', 'agency_pro')]);
      expect(activePlanOf(fold([...history, started('sub_2', 'agency_pro')]))).toBe('agency_pro');
      // The new subscription starts clean: the old one's cancel and event times are not carried over.
      expect(fold([...history, updated({ providerEventAt: t3 }), started('sub_2')]).subscription).toMatchObject({
        subscriptionId: 'sub_2', status: 'active', canceled: null, lastProviderEventAt: null,
      });
    });

    it('while a lapsed subscription is still open (it may still bill), no second one starts: 409 naming it', () => {
      for (const status of ['past_due', 'unpaid', 'incomplete', 'paused'] as const) {
        employerAccount
          .given([markedAgency, started('sub_1'), updated({ status })])
          .when({ type: 'RecordSubscription', actor: employer, data: startedData('sub_2', 'agency_basic') })
          .thenThrows('conflict', `subscription sub_1 (${status}) still open`);
      }
      employerAccount
        .given([markedAgency, started('sub_1'), updated({ status: 'incomplete_expired' })])
        .when({ type: 'RecordSubscription', actor: employer, data: startedData('sub_2', 'agency_basic') })
        .then([started('sub_2')]);
    });

    it('the subscription to cancel: none on file is a 404; a canceled one is answered as it is', () => {
      expect(() => requireSubscriptionToCancel(fold([]), employer.id)).toThrow(
        expect.objectContaining({ kind: 'not_found', code: 'subscription_not_found', message: 'employer emp_1 has no subscription to cancel' }),
      );
      expect(requireSubscriptionToCancel(fold([started(), canceled('provider')]), employer.id)).toMatchObject({ status: 'canceled' });
    });
  });
});
