import { assertNever } from '../shared/assert';
import { conflict, forbidden } from '../shared/errors';
import type { Actor, DomainEvent } from '../shared/metadata';
import { requireThisTrainer } from './ownership';

export { requireThisTrainer } from './ownership';

export const trainerStreamPrefix = 'trainer-';
export const trainerStream = (trainerId: string) => `${trainerStreamPrefix}${trainerId}`;

/** v2: `country`, the ISO 3166-1 alpha-2 code the account was opened in (v1 events read as US). */
export type TrainerPayoutAccountConnected = DomainEvent<
  'TrainerPayoutAccountConnected',
  { trainerId: string; accountId: string; payoutsEnabled: boolean; country: string }
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
  /** `country`: the account's country as the provider reports it. */
  readonly data: { trainerId: string; accountId: string; payoutsEnabled: boolean; country: string };
};
export type RecordPayoutAccountStatus = {
  readonly type: 'RecordPayoutAccountStatus';
  readonly actor: Actor;
  readonly data: { trainerId: string; accountId: string; payoutsEnabled: boolean };
};
export type TrainerCommand = ConnectPayoutAccount | RecordPayoutAccountStatus;

export interface TrainerState {
  /** `country` is null only for an account first recorded by a provider update (which names none). */
  readonly payoutAccount: { accountId: string; payoutsEnabled: boolean; country: string | null } | null;
}

export const initialTrainerState = (): TrainerState => ({ payoutAccount: null });

export function evolveTrainer(state: TrainerState, event: TrainerEvent): TrainerState {
  switch (event.type) {
    case 'TrainerPayoutAccountConnected':
      return { payoutAccount: { accountId: event.data.accountId, payoutsEnabled: event.data.payoutsEnabled, country: event.data.country } };
    case 'TrainerPayoutAccountUpdated': {
      const known = state.payoutAccount?.accountId === event.data.accountId ? state.payoutAccount.country : null;
      return { payoutAccount: { accountId: event.data.accountId, payoutsEnabled: event.data.payoutsEnabled, country: known } };
    }
    default:
      return assertNever(event, 'trainer event');
  }
}

export function decideTrainer(command: TrainerCommand, state: TrainerState): TrainerEvent[] {
  switch (command.type) {
    case 'ConnectPayoutAccount': {
      const { actor, data } = command;
      requireThisTrainer(actor, data.trainerId);
      // `data` is what the provider reports (its account, its country): recorded as it is. The
      // country the caller asked for is checked before the provider is called (requireSamePayoutCountry).
      const current = state.payoutAccount;
      if (current?.accountId === data.accountId && current.payoutsEnabled === data.payoutsEnabled && current.country === data.country) return [];
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

/**
 * A payout account's country never changes (Stripe cannot move an account): asking for another
 * country than the recorded account's is a 409 naming both. Asked by the onboarding command
 * before any provider call, like `requireThisTrainer`.
 */
export function requireSamePayoutCountry(state: TrainerState, trainerId: string, country: string): void {
  const current = state.payoutAccount;
  if (current?.country != null && current.country !== country) throw payoutCountryCannotChange(trainerId, current.accountId, current.country, country);
}

/** The 409 for asking a trainer's payout account to be in another country than the one it was opened in. */
export function payoutCountryCannotChange(trainerId: string, accountId: string, opened: string, asked: string) {
  return conflict('payout_country_mismatch', `country: trainer ${trainerId}'s payout account ${accountId} is in ${opened}; an account's country cannot change to ${asked}`);
}

/** The country a trainer's recorded payout account is in; null without an account (or before one names it). */
export function payoutCountryOf(state: TrainerState): string | null {
  return state.payoutAccount?.country ?? null;
}

/** A payout can go out only to an account Stripe has enabled for payouts. */
export function payoutDestination(state: TrainerState): string | null {
  return state.payoutAccount?.payoutsEnabled ? state.payoutAccount.accountId : null;
}

export const trainerDecider = { decide: decideTrainer, evolve: evolveTrainer, initialState: initialTrainerState };
