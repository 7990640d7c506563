import type { LoggedEvent, TransactionLog } from './transaction-log';
import type { StoredEvent } from './types';

const ticksPerMillisecond = 10_000n;

export function allStoredEvents(log: TransactionLog): StoredEvent[] {
  return Array.from({ length: log.indexedCount }, (_, sequence) => storedEvent(log.indexedEvent(sequence)));
}

export function storedEvent(event: LoggedEvent): StoredEvent {
  return {
    stream: event.stream,
    revision: event.revision,
    eventId: event.eventId,
    type: event.eventType,
    position: { commit: event.offset, prepare: event.offset },
    data: event.isJson ? parsed(event.data) : event.data,
    metadata: event.metadata.length === 0 ? null : parsed(event.metadata),
    createdAt: new Date(Number(event.createdTicks / ticksPerMillisecond)),
  };
}

/** JSON when it parses (the server does not check that "JSON" events are), the bytes otherwise. */
function parsed(bytes: Uint8Array): unknown {
  try {
    return JSON.parse(Buffer.from(bytes).toString('utf8'));
  } catch {
    return bytes;
  }
}
