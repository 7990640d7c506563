import type { Actor } from '../shared/metadata';
import { deciderSpec } from '../testing/decider-spec';
import { customerOf, employerDecider, type EmployerEvent, type RecordCustomer } from './employer';
import { payoutDestination, trainerDecider, type RecordPayoutAccountStatus, type TrainerEvent } from './trainer';

const trainer = deciderSpec(trainerDecider);
const employer = deciderSpec(employerDecider);
const service = { role: 'service', id: 'webhooks' } as const;

const connected = (payoutsEnabled: boolean, accountId = 'acct_1'): TrainerEvent => ({
  type: 'TrainerPayoutAccountConnected',
  data: { trainerId: 'tr_1', accountId, payoutsEnabled, country: 'US' },
});
const updated = (payoutsEnabled: boolean, accountId = 'acct_1'): TrainerEvent => ({
  type: 'TrainerPayoutAccountUpdated',
  data: { trainerId: 'tr_1', accountId, payoutsEnabled },
});
const recordStatus = (payoutsEnabled: boolean, accountId = 'acct_1'): RecordPayoutAccountStatus => ({
  type: 'RecordPayoutAccountStatus',
  actor: service,
  data: { trainerId: 'tr_1', accountId, payoutsEnabled },
});

describe('trainer: payout account status from Stripe (account.updated)', () => {
  it('records that the connected account may now receive payouts, which makes it the payout destination', () => {
    trainer.given([connected(false)]).when(recordStatus(true)).then([updated(true)]);
    const state = [connected(false), updated(true)].reduce(trainerDecider.evolve, trainerDecider.initialState());
    expect(payoutDestination(state)).toBe('acct_1');
  });
  it('records payouts being disabled again: no destination then', () => {
    trainer.given([connected(true)]).when(recordStatus(false)).then([updated(false)]);
    const state = [connected(true), updated(false)].reduce(trainerDecider.evolve, trainerDecider.initialState());
    expect(payoutDestination(state)).toBeNull();
  });
  it('the same status again is no event', () => {
    trainer.given([connected(true)]).when(recordStatus(true)).then([]);
    trainer.given([connected(false), updated(true)]).when(recordStatus(true)).then([]);
  });
  it("an update for another account than the trainer's is a conflict", () => {
    trainer.given([connected(false)]).when(recordStatus(true, 'acct_9')).thenThrows('conflict', 'pays out to acct_1, not acct_9');
  });
  it("records the account when the webhook beats the API's own append", () => {
    trainer.given([]).when(recordStatus(true)).then([updated(true)]);
    trainer.given([]).when(recordStatus(false)).then([updated(false)]);
  });
  it.each([
    { role: 'trainer', id: 'tr_1' },
    { role: 'employer', id: 'emp_1' },
    { role: 'support', id: 'sup_1' },
  ] as const)('is for the payment service only, not the $role', (actor) => {
    trainer.given([connected(false)]).when({ ...recordStatus(true), actor }).thenThrows('forbidden', 'payment service');
  });
});

const customerCreated = (customerId = 'cus_1'): EmployerEvent => ({ type: 'EmployerCustomerCreated', data: { employerId: 'emp_1', customerId } });
const recordCustomer = (customerId = 'cus_1', actor: Actor = { role: 'employer', id: 'emp_1' }): RecordCustomer => ({
  type: 'RecordCustomer',
  actor,
  data: { employerId: 'emp_1', customerId },
});

describe('employer: the Stripe customer', () => {
  it('is recorded once and read with customerOf', () => {
    employer.given([]).when(recordCustomer()).then([customerCreated()]);
    expect(customerOf(employerDecider.initialState())).toBeNull();
    expect(customerOf([customerCreated()].reduce(employerDecider.evolve, employerDecider.initialState()))).toBe('cus_1');
  });
  it('the same customer again is no event', () => {
    employer.given([customerCreated()]).when(recordCustomer()).then([]);
  });
  it('another customer while one is recorded is a conflict', () => {
    employer.given([customerCreated()]).when(recordCustomer('cus_2')).thenThrows('conflict', 'is customer cus_1, not cus_2');
  });
  it('an attached payment method names the customer too', () => {
    const attached: EmployerEvent = { type: 'EmployerPaymentMethodAttached', data: { employerId: 'emp_1', customerId: 'cus_7', paymentMethodId: 'pm_1' } };
    expect(customerOf([attached].reduce(employerDecider.evolve, employerDecider.initialState()))).toBe('cus_7');
    employer.given([attached]).when(recordCustomer('cus_7')).then([]);
  });
  it('only the employer themself records it', () => {
    employer.given([]).when(recordCustomer('cus_1', { role: 'employer', id: 'emp_2' })).thenThrows('forbidden', 'its own customer');
  });
});
