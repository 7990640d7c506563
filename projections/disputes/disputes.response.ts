import { Money } from '@escrow/domain';
import type { DisputeEntry } from './disputes.evolve';

/** One entry of GET /v1/disputes: money as a decimal string, age in whole seconds at `now`. */
export function disputeResponse(entry: DisputeEntry, now: Date) {
  const { amountCents, position: _position, ...rest } = entry;
  return {
    ...rest,
    amount: Money.format(amountCents),
    currency: 'USD',
    ageSeconds: Math.max(0, Math.floor((now.getTime() - Date.parse(entry.openedAt)) / 1000)),
  };
}
