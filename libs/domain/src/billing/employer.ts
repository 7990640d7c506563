import { assertNever } from '../shared/assert';
import { conflict } from '../shared/errors';
import type { Actor, DomainEvent } from '../shared/metadata';
import { requireThisEmployer } from './ownership';

export { requireThisEmployer, type EmployerAction } from './ownership';

export const employerStream = (employerId: string) => `employer-${employerId}`;

export type EmployerPaymentMethodAttached = DomainEvent<
  'EmployerPaymentMethodAttached',
  { employerId: string; customerId: string; paymentMethodId: string }
>;
export type EmployerCustomerCreated = DomainEvent<'EmployerCustomerCreated', { employerId: string; customerId: string }>;
export type EmployerEvent = EmployerPaymentMethodAttached | EmployerCustomerCreated;

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
export type EmployerCommand = AttachPaymentMethod | RecordCustomer;

export interface EmployerState {
  readonly paymentMethod: { customerId: string; paymentMethodId: string } | null;
  readonly customerId: string | null;
}

export const initialEmployerState = (): EmployerState => ({ paymentMethod: null, customerId: null });

/** The employer's Stripe customer, once created (or named by an attached payment method). */
export function customerOf(state: EmployerState): string | null {
  return state.customerId;
}

export function evolveEmployer(state: EmployerState, event: EmployerEvent): EmployerState {
  switch (event.type) {
    case 'EmployerPaymentMethodAttached':
      return {
        paymentMethod: { customerId: event.data.customerId, paymentMethodId: event.data.paymentMethodId },
        customerId: event.data.customerId,
      };
    case 'EmployerCustomerCreated':
      return { ...state, customerId: event.data.customerId };
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
    default:
      return assertNever(command, 'employer command');
  }
}

export const employerDecider = { decide: decideEmployer, evolve: evolveEmployer, initialState: initialEmployerState };
