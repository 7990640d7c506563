import { buildBalance } from '../objects/balance';
import { ok, type Route } from '../router';
import type { StripeState } from '../state';

/**
 * Money held on the platform: charges in, minus refunds, transfers out, plus reversals back, minus lost
 * disputes. Everything counts as available at once (no settlement delay in this server).
 */
export function availableUsd(state: StripeState): number {
  let cents = 0;
  for (const charge of state.charges.values()) if (charge.status === 'succeeded' && charge.currency === 'usd') cents += charge.amount;
  for (const refund of state.refunds.values()) if (refund.status === 'succeeded' && refund['currency'] === 'usd') cents -= refund.amount;
  for (const transfer of state.transfers.values()) if (transfer.currency === 'usd') cents -= transfer.amount;
  for (const reversal of state.reversals.values()) if (reversal['currency'] === 'usd') cents += reversal.amount;
  for (const dispute of state.disputes.values()) if (dispute.status === 'lost' && dispute['currency'] === 'usd') cents -= dispute.amount;
  return cents;
}

export const balanceRoutes: Route[] = [
  { route: 'GET /v1/balance', handle: ({ state }) => ok(buildBalance(availableUsd(state), 0)) },
];
