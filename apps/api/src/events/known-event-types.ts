import { domainEventTypes } from '@escrow/domain';

/** Every event type the feed can carry, so that a misspelt `types=` filter is refused rather than silently empty. */
export const knownEventTypes: ReadonlySet<string> = new Set(domainEventTypes);
