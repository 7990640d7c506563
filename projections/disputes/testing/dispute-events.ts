import type { ContractEvent } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';

/** Events as the store hands them back, for contract `contractId`, one second apart from `startSecond`. */
export function recordedContract(contractId: string, events: readonly ContractEvent[], startSecond = 0, positionBase = 0): RecordedEvent[] {
  return events.map((event, i) => {
    const n = positionBase + i;
    const occurredAt = new Date(Date.UTC(2026, 10, 1, 0, 0, startSecond + i)).toISOString();
    const data = { ...(event.data as object), contractId };
    return {
      eventId: `${contractId}_ev_${i}`,
      type: event.type,
      data,
      metadata: { eventId: `${contractId}_ev_${i}`, occurredAt, correlationId: 'c', causationId: 'c', schemaVersion: 1 },
      streamId: `contract-${contractId}`,
      revision: i,
      position: `${String(n + 1).padStart(20, '0')}-${String(n).padStart(20, '0')}`,
      recordedAt: occurredAt,
    };
  });
}
