import type { RecordedMovements } from './recorded-movements';
import type { MovementKind, ProviderMovements, ReconciliationPeriod } from './provider-movements';

/**
 * Our event time and the provider's `created` differ by seconds (the call, then the append), so the
 * provider is read this much wider than the period on each side.
 */
export const providerMarginMs = 60 * 60 * 1000;

export function isWithin(period: ReconciliationPeriod, time: Date): boolean {
  return time.getTime() >= period.from.getTime() && time.getTime() < period.to.getTime();
}

/** The period widened by the margin: what to list at the provider. */
export function providerWindow(period: ReconciliationPeriod, marginMs = providerMarginMs): ReconciliationPeriod {
  return { from: new Date(period.from.getTime() - marginMs), to: new Date(period.to.getTime() + marginMs) };
}

export interface MovementRef {
  readonly kind: MovementKind;
  readonly id: string;
}

/**
 * Our movements of the period that the provider's (widened) list does not show: look each up by id
 * before calling it missing, since its `created` may lie further out than the margin.
 */
export function movementsToRetrieve(period: ReconciliationPeriod, recorded: RecordedMovements, listed: ProviderMovements): MovementRef[] {
  const unlisted = (kind: MovementKind, ours: readonly { id: string; occurredAt: Date }[], theirs: readonly { id: string }[]) => {
    const listedIds = new Set(theirs.map((item) => item.id));
    return ours.filter((item) => isWithin(period, item.occurredAt) && !listedIds.has(item.id)).map((item) => ({ kind, id: item.id }));
  };
  return [
    ...unlisted('charge', recorded.charges, listed.charges),
    ...unlisted('transfer', recorded.transfers, listed.transfers),
    ...unlisted('refund', recorded.refunds, listed.refunds),
  ];
}
