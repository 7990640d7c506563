import type { Actor } from '../shared/metadata';
import { deciderSpec } from '../testing/decider-spec';
import {
  activePlanOf,
  employerDecider,
  evolveEmployer,
  initialEmployerState,
  planOnFile,
  type AttachPaymentMethod,
  type EmployerEvent,
  type RecordSubscription,
} from './employer';
import {
  evolveTrainer,
  initialTrainerState,
  payoutCountryOf,
  payoutDestination,
  requireSamePayoutCountry,
  trainerDecider,
  type ConnectPayoutAccount,
  type TrainerEvent,
} from './trainer';

const employer = { role: 'employer', id: 'emp_1' } as const;
const otherEmployer = { role: 'employer', id: 'emp_2' } as const;
const trainer = { role: 'trainer', id: 'tr_1' } as const;
const otherTrainer = { role: 'trainer', id: 'tr_2' } as const;
const support = { role: 'support', id: 'sup_1' } as const;
const service = { role: 'service', id: 'payment-saga' } as const;

const by = <C extends { actor: Actor }>(actor: Actor, command: C): C => ({ ...command, actor });

describe('employer billing decider', () => {
  const employerAccount = deciderSpec(employerDecider);

  const attach = (data: Partial<AttachPaymentMethod['data']> = {}): AttachPaymentMethod => ({
    type: 'AttachPaymentMethod',
    actor: employer,
    data: { employerId: employer.id, customerId: 'cus_1', paymentMethodId: 'pm_1', ...data },
  });
  const attached = (data: Partial<AttachPaymentMethod['data']> = {}): EmployerEvent => ({
    type: 'EmployerPaymentMethodAttached',
    data: { employerId: employer.id, customerId: 'cus_1', paymentMethodId: 'pm_1', ...data },
  });

  it('an employer attaches its first payment method', () => {
    employerAccount.given([]).when(attach()).then([attached()]);
  });

  it('attaching another payment method replaces the one on file', () => {
    employerAccount.given([attached()]).when(attach({ paymentMethodId: 'pm_2' })).then([attached({ paymentMethodId: 'pm_2' })]);
  });

  it('the same payment method under another customer is a change too', () => {
    employerAccount.given([attached()]).when(attach({ customerId: 'cus_2' })).then([attached({ customerId: 'cus_2' })]);
  });

  it('attaching the payment method already on file records nothing', () => {
    employerAccount.given([attached()]).when(attach()).then([]);
  });

  it('the latest attached payment method is the one compared against', () => {
    employerAccount.given([attached(), attached({ paymentMethodId: 'pm_2' })]).when(attach()).then([attached()]);
  });

  it('the state holds the payment method on file', () => {
    const state = [attached(), attached({ paymentMethodId: 'pm_2' })].reduce(
      employerDecider.evolve,
      employerDecider.initialState(),
    );
    expect(state).toEqual({ paymentMethod: { customerId: 'cus_1', paymentMethodId: 'pm_2' }, customerId: 'cus_1', accountType: 'standard', subscription: null });
    expect(employerDecider.initialState()).toEqual({ paymentMethod: null, customerId: null, accountType: 'standard', subscription: null });
  });

  it.each([
    { who: 'another employer', actor: otherEmployer },
    { who: 'a trainer', actor: trainer },
    { who: 'a trainer whose id equals the employer id', actor: { role: 'trainer', id: employer.id } as const },
    { who: 'support', actor: support },
    { who: 'the payment service', actor: service },
  ])('$who cannot attach a payment method for the employer', ({ actor }) => {
    employerAccount.given([]).when(by(actor, attach())).thenThrows('forbidden', 'its own payment method');
  });
});

describe('trainer billing decider', () => {
  const trainerAccount = deciderSpec(trainerDecider);

  const connect = (data: Partial<ConnectPayoutAccount['data']> = {}): ConnectPayoutAccount => ({
    type: 'ConnectPayoutAccount',
    actor: trainer,
    data: { trainerId: trainer.id, accountId: 'acct_1', payoutsEnabled: true, country: 'US', ...data },
  });
  const connected = (data: Partial<ConnectPayoutAccount['data']> = {}): TrainerEvent => ({
    type: 'TrainerPayoutAccountConnected',
    data: { trainerId: trainer.id, accountId: 'acct_1', payoutsEnabled: true, country: 'US', ...data },
  });
  const stateAfter = (events: TrainerEvent[]) => events.reduce(evolveTrainer, initialTrainerState());

  it('a trainer connects its payout account', () => {
    trainerAccount.given([]).when(connect()).then([connected()]);
  });

  it('connecting the account already on file, with the same payouts flag, records nothing', () => {
    trainerAccount.given([connected()]).when(connect()).then([]);
  });

  it('the account becoming enabled for payouts is recorded', () => {
    trainerAccount
      .given([connected({ payoutsEnabled: false })])
      .when(connect({ payoutsEnabled: true }))
      .then([connected({ payoutsEnabled: true })]);
  });

  it('records the country the account was opened in', () => {
    trainerAccount.given([]).when(connect({ country: 'DE' })).then([connected({ country: 'DE' })]);
    expect(payoutCountryOf(stateAfter([connected({ country: 'DE' })]))).toBe('DE');
    expect(payoutCountryOf(stateAfter([]))).toBeNull();
  });

  it('records the country of an account first seen through a provider update (which names none)', () => {
    const updatedFirst: TrainerEvent = { type: 'TrainerPayoutAccountUpdated', data: { trainerId: trainer.id, accountId: 'acct_1', payoutsEnabled: true } };
    expect(payoutCountryOf(stateAfter([updatedFirst]))).toBeNull();
    trainerAccount.given([updatedFirst]).when(connect({ country: 'GB' })).then([connected({ country: 'GB' })]);
    // An update keeps the country the account was connected with.
    expect(payoutCountryOf(stateAfter([connected({ country: 'GB' }), { ...updatedFirst, data: { ...updatedFirst.data, payoutsEnabled: false } }]))).toBe('GB');
  });

  it("refuses to ask for another country than the recorded account's: an account's country never changes", () => {
    const state = stateAfter([connected({ country: 'GB' })]);
    expect(() => requireSamePayoutCountry(state, trainer.id, 'GB')).not.toThrow();
    expect(() => requireSamePayoutCountry(state, trainer.id, 'DE')).toThrow(
      expect.objectContaining({ kind: 'conflict', code: 'payout_country_mismatch', message: expect.stringMatching(/^country: .*acct_1 is in GB.*to DE$/) }),
    );
    // No account yet, or none with a known country: any country may be asked for.
    expect(() => requireSamePayoutCountry(stateAfter([]), trainer.id, 'DE')).not.toThrow();
  });

  it('connecting another account replaces the one on file', () => {
    trainerAccount.given([connected()]).when(connect({ accountId: 'acct_2' })).then([connected({ accountId: 'acct_2' })]);
  });

  it.each([
    { who: 'another trainer', actor: otherTrainer },
    { who: 'an employer', actor: employer },
    { who: 'an employer whose id equals the trainer id', actor: { role: 'employer', id: trainer.id } as const },
    { who: 'support', actor: support },
    { who: 'the payment service', actor: service },
  ])('$who cannot connect a payout account for the trainer', ({ actor }) => {
    trainerAccount.given([]).when(by(actor, connect())).thenThrows('forbidden', 'its own payout account');
  });

  describe('payoutDestination', () => {
    it('is null while no account is connected', () => {
      expect(payoutDestination(stateAfter([]))).toBeNull();
    });

    it('is null while the connected account is not enabled for payouts', () => {
      expect(payoutDestination(stateAfter([connected({ payoutsEnabled: false })]))).toBeNull();
    });

    it('is the account id once payouts are enabled', () => {
      expect(payoutDestination(stateAfter([connected({ payoutsEnabled: false }), connected()]))).toBe('acct_1');
    });

    it('follows the latest account connected', () => {
      expect(payoutDestination(stateAfter([connected(), connected({ accountId: 'acct_2' })]))).toBe('acct_2');
    });

    it('is null again if the latest account has payouts disabled', () => {
      expect(payoutDestination(stateAfter([connected(), connected({ accountId: 'acct_2', payoutsEnabled: false })]))).toBeNull();
    });
  });
});

describe('employer account type and subscription plan', () => {
  const employerAccount = deciderSpec(employerDecider);
  const finance = { role: 'finance', id: 'fin_1' } as const;
  const markedAgency: EmployerEvent = { type: 'EmployerAccountTypeSet', data: { employerId: employer.id, accountType: 'agency' } };
  const subscriptionData = (data: Partial<RecordSubscription['data']> = {}): RecordSubscription['data'] => ({
    employerId: employer.id,
    planId: 'agency_basic',
    subscriptionId: 'sub_1',
    customerId: 'cus_1',
    status: 'active',
    currentPeriodEnd: '2027-01-05T08:00:00.000Z',
    latestInvoiceId: 'in_1',
    ...data,
  });
  const subscribe = (data: Partial<RecordSubscription['data']> = {}): RecordSubscription => ({ type: 'RecordSubscription', actor: employer, data: subscriptionData(data) });
  const started = (data: Partial<RecordSubscription['data']> = {}): EmployerEvent => ({ type: 'EmployerSubscriptionStarted', data: subscriptionData(data) });

  it('support marks an employer account as an agency', () => {
    employerAccount
      .given([])
      .when({ type: 'SetAccountType', actor: support, data: { employerId: employer.id, accountType: 'agency' } })
      .then([markedAgency]);
  });

  it('finance may set it back to standard; the type already set records nothing', () => {
    employerAccount
      .given([markedAgency])
      .when({ type: 'SetAccountType', actor: finance, data: { employerId: employer.id, accountType: 'standard' } })
      .then([{ type: 'EmployerAccountTypeSet', data: { employerId: employer.id, accountType: 'standard' } }]);
    employerAccount.given([markedAgency]).when({ type: 'SetAccountType', actor: finance, data: { employerId: employer.id, accountType: 'agency' } }).then([]);
  });

  it('an employer cannot set its own account type', () => {
    employerAccount
      .given([])
      .when({ type: 'SetAccountType', actor: employer, data: { employerId: employer.id, accountType: 'standard' } })
      .thenThrows('forbidden', 'only support or finance');
  });

  it('the employer records the subscription the provider started', () => {
    employerAccount.given([markedAgency]).when(subscribe()).then([started()]);
  });

  it('the same subscription again records nothing', () => {
    employerAccount.given([markedAgency, started()]).when(subscribe()).then([]);
  });

  it('another plan while one is active is a conflict naming the active plan', () => {
    employerAccount
      .given([started()])
      .when(subscribe({ subscriptionId: 'sub_2', planId: 'agency_pro' }))
      .thenThrows('conflict', 'active subscription to plan agency_basic');
  });

  it('only the employer itself subscribes', () => {
    employerAccount.given([]).when(by(otherEmployer, subscribe())).thenThrows('forbidden', 'subscribe itself to a plan');
    employerAccount.given([]).when(by(support, subscribe())).thenThrows('forbidden', 'subscribe itself to a plan');
  });

  it('the plan on file: agency flag and the active plan (active or trialing only)', () => {
    const fold = (events: EmployerEvent[]) => events.reduce(evolveEmployer, initialEmployerState());
    expect(planOnFile(fold([]))).toEqual({ agency: false, activePlanId: null });
    expect(planOnFile(fold([markedAgency]))).toEqual({ agency: true, activePlanId: null });
    expect(planOnFile(fold([markedAgency, started()]))).toEqual({ agency: true, activePlanId: 'agency_basic' });
    expect(activePlanOf(fold([started({ status: 'trialing' })]))).toBe('agency_basic');
    expect(activePlanOf(fold([started({ status: 'incomplete' })]))).toBeNull();
  });
});
