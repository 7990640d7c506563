import { assert, isDomainEventType } from '@escrow/domain';
import type { RecordedEvent } from '@escrow/event-store';
import { currentSchemaVersion } from '../event-schemas';
import { upcastData, type EventData } from './upcasters';

/** Events stored before metadata carried a schema version are version 1. */
export const schemaVersionAssumedWhenMissing = 1;

/**
 * The event as the current code reads it: data at the type's current schema version, and
 * `metadata.schemaVersion` saying so. An upcast event keeps the version it was stored at in
 * `metadata.upcastedFrom`, so an audit can tell stored shape from read shape. Event types the
 * domain does not know (other writers' events) pass through untouched.
 */
export function upcastRecordedEvent(event: RecordedEvent): RecordedEvent {
  if (!isDomainEventType(event.type)) return event;
  const stored = storedSchemaVersion(event);
  const current = currentSchemaVersion(event.type);
  if (stored === current && event.metadata.schemaVersion === current) return event;
  if (stored === current) return { ...event, metadata: { ...event.metadata, schemaVersion: current } };
  const data = upcastData(event.type, stored, event.data as EventData, event.metadata);
  return { ...event, data, metadata: { ...event.metadata, schemaVersion: current, upcastedFrom: stored } };
}

function storedSchemaVersion(event: RecordedEvent): number {
  const version = event.metadata.schemaVersion;
  if (version === undefined || version === null) return schemaVersionAssumedWhenMissing;
  assert(typeof version === 'number' && Number.isInteger(version) && version >= 1, `event ${event.eventId}: schemaVersion ${String(version)} is a positive integer`);
  return version;
}
