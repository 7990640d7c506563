import { assertNever } from '../shared/assert';
import { conflict, forbidden } from '../shared/errors';
import type { Actor, DomainEvent } from '../shared/metadata';
import { requireThisTrainer } from './ownership';

export { requireThisTrainer } from './ownership';

export const trainerStreamPrefix = 'trainer-';
export const trainerStream = (trainerId: string) => `${trainerStreamPrefix}${trainerId}`;

export type TrainerPayoutAccountConnected = DomainEvent<
  'TrainerPayoutAccountConnected',
  { trainerId: string; accountId: string; payoutsEnabled: boolean }
>;
/** Stripe's account.updated: whether the Connect account may receive payouts now. */
export type TrainerPayoutAccountUpdated = DomainEvent<
  'TrainerPayoutAccountUpdated',
  { trainerId: string; accountId: string; payoutsEnabled: boolean }
>;
export type TrainerEvent = TrainerPayoutAccountConnected | TrainerPayoutAccountUpdated;

export type ConnectPayoutAccount = {
  readonly type: 'ConnectPayoutAccount';
  readonly actor: Actor;
  readonly data: { trainerId: string; accountId: string; payoutsEnabled: boolean };
};
export type RecordPayoutAccountStatus = {
  readonly type: 'RecordPayoutAccountStatus';
  readonly actor: Actor;
  readonly data: { trainerId: string; accountId: string; payoutsEnabled: boolean };
};
export type TrainerCommand = ConnectPayoutAccount | RecordPayoutAccountStatus;

export interface TrainerState {
  readonly payoutAccount: { accountId: string; payoutsEnabled: boolean } | null;
}

export const initialTrainerState = (): TrainerState => ({ payoutAccount: null });

export function evolveTrainer(state: TrainerState, event: TrainerEvent): TrainerState {
  switch (event.type) {
    case 'TrainerPayoutAccountConnected':
    case 'TrainerPayoutAccountUpdated':
      return { payoutAccount: { accountId: event.data.accountId, payoutsEnabled: event.data.payoutsEnabled } };
    default:
      return assertNever(event, 'trainer event');
  }
}

export function decideTrainer(command: TrainerCommand, state: TrainerState): TrainerEvent[] {
  switch (command.type) {
    case 'ConnectPayoutAccount': {
      const { actor, data } = command;
      requireThisTrainer(actor, data.trainerId);
      const current = state.payoutAccount;
      if (current?.accountId === data.accountId && current.payoutsEnabled === data.payoutsEnabled) return [];
      return [{ type: 'TrainerPayoutAccountConnected', data }];
    }
    case 'RecordPayoutAccountStatus': {
      const { actor, data } = command;
      if (actor.role !== 'service') throw forbidden('not_service', 'payout account updates are recorded by the payment service only');
      const current = state.payoutAccount;
      if (current !== null && current.accountId !== data.accountId) {
        throw conflict('account_mismatch', `trainer ${data.trainerId} pays out to ${current.accountId}, not ${data.accountId}`);
      }
      if (current?.payoutsEnabled === data.payoutsEnabled) return [];
      // No account recorded yet: the webhook beat the API's own append, so this records it.
      return [{ type: 'TrainerPayoutAccountUpdated', data }];
    }
    default:
      return assertNever(command, 'trainer command');
  }
}

/** A payout can go out only to an account Stripe has enabled for payouts. */
export function payoutDestination(state: TrainerState): string | null {
  return state.payoutAccount?.payoutsEnabled ? state.payoutAccount.accountId : null;
}

export const trainerDecider = { decide: decideTrainer, evolve: evolveTrainer, initialState: initialTrainerState };
