import { assertNever } from '../shared/assert';
import { forbidden } from '../shared/errors';
import type { Actor, DomainEvent } from '../shared/metadata';

export const employerStream = (employerId: string) => `employer-${employerId}`;

export type EmployerPaymentMethodAttached = DomainEvent<
  'EmployerPaymentMethodAttached',
  { employerId: string; customerId: string; paymentMethodId: string }
>;
export type EmployerEvent = EmployerPaymentMethodAttached;

export type AttachPaymentMethod = {
  readonly type: 'AttachPaymentMethod';
  readonly actor: Actor;
  readonly data: { employerId: string; customerId: string; paymentMethodId: string };
};
export type EmployerCommand = AttachPaymentMethod;

export interface EmployerState {
  readonly paymentMethod: { customerId: string; paymentMethodId: string } | null;
}

export const initialEmployerState = (): EmployerState => ({ paymentMethod: null });

export function evolveEmployer(state: EmployerState, event: EmployerEvent): EmployerState {
  switch (event.type) {
    case 'EmployerPaymentMethodAttached':
      return { paymentMethod: { customerId: event.data.customerId, paymentMethodId: event.data.paymentMethodId } };
    default:
      return assertNever(event.type, 'employer event');
  }
}

export function decideEmployer(command: EmployerCommand, state: EmployerState): EmployerEvent[] {
  switch (command.type) {
    case 'AttachPaymentMethod': {
      const { actor, data } = command;
      if (actor.role !== 'employer' || actor.id !== data.employerId) {
        throw forbidden('not_this_employer', 'an employer can only attach its own payment method');
      }
      const current = state.paymentMethod;
      // Attaching the method already on file again changes nothing: no event.
      if (current?.paymentMethodId === data.paymentMethodId && current.customerId === data.customerId) return [];
      return [{ type: 'EmployerPaymentMethodAttached', data }];
    }
    default:
      return assertNever(command.type, 'employer command');
  }
}

export const employerDecider = { decide: decideEmployer, evolve: evolveEmployer, initialState: initialEmployerState };
