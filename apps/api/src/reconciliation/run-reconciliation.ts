import type { EventStore } from '@escrow/event-store';
import {
  movementsToRetrieve,
  providerWindow,
  reconcile,
  type MovementRef,
  type PaymentGateway,
  type ProviderCharge,
  type ProviderMovements,
  type ProviderRefund,
  type ProviderTransfer,
  type ReconciliationPeriod,
  type ReconciliationReport,
} from '@escrow/payments';
import { readRecordedMovements } from './recorded-movements';

/**
 * Movements looked up one by one because the widened list missed them. Normally none (the margin
 * covers the seconds between the provider's clock and ours); many means something larger is wrong,
 * and a report of thousands of doubtful lines would hide it.
 */
export const retrievalsMax = 500;

export class TooManyUnlistedMovements extends Error {
  constructor(count: number) {
    super(`${count} movements of the period are not in the provider's lists (more than ${retrievalsMax} to look up one by one): is this the right provider account?`);
    this.name = 'TooManyUnlistedMovements';
  }
}

/** Reads both sides and compares them: our whole log, the provider around the period. */
export async function runReconciliation(store: EventStore, gateway: PaymentGateway, period: ReconciliationPeriod): Promise<ReconciliationReport> {
  const recorded = await readRecordedMovements(store);
  const listed = await gateway.listMovements(providerWindow(period));
  const unlisted = movementsToRetrieve(period, recorded, listed);
  if (unlisted.length > retrievalsMax) throw new TooManyUnlistedMovements(unlisted.length);
  const provider = withRetrieved(listed, await retrieveAll(gateway, unlisted));
  return reconcile({ period, recorded, provider });
}

async function retrieveAll(gateway: PaymentGateway, refs: readonly MovementRef[]): Promise<ProviderMovements> {
  const found: { charges: ProviderCharge[]; transfers: ProviderTransfer[]; refunds: ProviderRefund[] } = { charges: [], transfers: [], refunds: [] };
  // One at a time: a handful normally, and the provider's rate limit is shared with the saga.
  for (const ref of refs) {
    if (ref.kind === 'charge') pushFound(found.charges, await gateway.retrieveMovement('charge', ref.id));
    else if (ref.kind === 'transfer') pushFound(found.transfers, await gateway.retrieveMovement('transfer', ref.id));
    else pushFound(found.refunds, await gateway.retrieveMovement('refund', ref.id));
  }
  return found;
}

function pushFound<T>(into: T[], item: T | null): void {
  if (item !== null) into.push(item);
}

function withRetrieved(listed: ProviderMovements, retrieved: ProviderMovements): ProviderMovements {
  return {
    charges: [...listed.charges, ...retrieved.charges],
    transfers: [...listed.transfers, ...retrieved.transfers],
    refunds: [...listed.refunds, ...retrieved.refunds],
  };
}
