import { contractEventTypes, type EmployerEvent, type TrainerEvent } from '@escrow/domain';

// Typed as records so that a new employer or trainer event type fails compilation until listed.
const employerEventTypes: Record<EmployerEvent['type'], true> = { EmployerPaymentMethodAttached: true, EmployerCustomerCreated: true };
const trainerEventTypes: Record<TrainerEvent['type'], true> = { TrainerPayoutAccountConnected: true, TrainerPayoutAccountUpdated: true };

/** Every event type the feed can carry, so that a misspelt `types=` filter is refused rather than silently empty. */
export const knownEventTypes: ReadonlySet<string> = new Set([
  ...contractEventTypes,
  ...Object.keys(employerEventTypes),
  ...Object.keys(trainerEventTypes),
]);
