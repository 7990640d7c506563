import type { JsonObject } from '../types';

export function buildBalance(availableUsd: number, pendingUsd: number): JsonObject {
  return {
    available: [{ amount: availableUsd, currency: 'usd', source_types: { card: availableUsd } }],
    connect_reserved: [{ amount: 0, currency: 'usd' }],
    livemode: false,
    object: 'balance',
    pending: [{ amount: pendingUsd, currency: 'usd', source_types: { card: pendingUsd } }],
  };
}
