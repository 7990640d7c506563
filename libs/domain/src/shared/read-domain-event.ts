import { assert } from './assert';
import { roles, type Actor, type EventMetadata } from './metadata';
import { isDomainEventType, type AnyDomainEvent, type DomainEventOfType, type DomainEventType } from './schema-versions';

/**
 * The one typed reader of the log. Every process that reads stored events (read models, the
 * payment saga, the posting rules, the webhook processor) turns a stored event into the domain's
 * own type here, instead of casting `data` where it uses it.
 *
 * Why `data` is taken as the domain's type without a schema check: the only writer of domain
 * types is `CommandHandling`, which appends what a decider returned (every decided type is
 * validated against its JSON Schema in the decider specs), and every reader gets events through
 * `UpcastingEventStore`, so `data` is already at the type's current schema version when it
 * reaches this function. A caller holding a record that did not come through that store (a raw
 * adapter read) must upcast it first (`upcastRecordedEvent`).
 *
 * Types outside the catalog (other writers' events) read as null: never as a domain event.
 */

/** An event as the store hands it back: `RecordedEvent` fits. Structural, so the domain needs no store. */
export interface StoredEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly streamId: string;
  readonly revision: number;
  readonly position: string;
}

/**
 * The metadata as read. `CommandHandling` writes every field of `EventMetadata`; events written
 * by tests or by older code may lack any of them but `occurredAt`, so the others are optional and
 * each is present only when the stored value has its type.
 */
export type RecordedMetadata = Partial<Omit<EventMetadata, 'occurredAt'>> & Pick<EventMetadata, 'occurredAt'>;

interface RecordOf<E extends AnyDomainEvent> {
  /** The same as `event.type`, at the top so that checking it narrows the whole record. */
  readonly type: E['type'];
  readonly event: E;
  readonly eventId: string;
  /** `metadata.occurredAt`: when the command was handled (read models take times from here, never the clock). */
  readonly occurredAt: string;
  readonly metadata: RecordedMetadata;
  readonly streamId: string;
  readonly revision: number;
  readonly position: string;
}

/** A stored domain event, typed: one member per event type, so `switch (record.type)` narrows `record.event`. */
export type DomainEventRecord<E extends AnyDomainEvent = AnyDomainEvent> = E extends AnyDomainEvent ? RecordOf<E> : never;

/**
 * The stored event as the domain's event, or null when its type is not in the catalog or not
 * among `types` (a reader's subset, see `typesUsedFor`). Never throws: readers that only
 * filter or collect ids use it before reading anything else.
 */
export function domainEventOf<T extends DomainEventType = DomainEventType>(
  stored: Pick<StoredEvent, 'type' | 'data'>,
  types?: ReadonlySet<T>,
): DomainEventOfType<T> | null {
  if (!isDomainEventType(stored.type) || (types !== undefined && !hasType(types, stored.type))) return null;
  // The one place stored data becomes a domain type; why that is sound: see the top of this file.
  return { type: stored.type, data: stored.data } as DomainEventOfType<T>;
}

/** The stored event's metadata, typed; an event without `occurredAt` is a broken log and fails here. */
export function readEventMetadata(stored: Pick<StoredEvent, 'eventId' | 'metadata' | 'position'>): RecordedMetadata {
  const raw = stored.metadata;
  const occurredAt = raw.occurredAt;
  assert(typeof occurredAt === 'string', `event ${stored.eventId} at ${stored.position} has metadata.occurredAt`);
  const read: { -readonly [K in keyof RecordedMetadata]: RecordedMetadata[K] } = { occurredAt };
  for (const field of stringFields) {
    const value = raw[field];
    if (typeof value === 'string') read[field] = value;
  }
  for (const field of numberFields) {
    const value = raw[field];
    if (typeof value === 'number') read[field] = value;
  }
  const actor = actorOf(raw.actor);
  if (actor !== null) read.actor = actor;
  return read;
}

/**
 * The stored event as a typed record (event, metadata, where it is in the log), or null when its
 * type is not in the catalog or not among `types`. Metadata is read only for the events it
 * returns, so a reader is not failed by a broken event it does not read.
 */
export function readDomainEvent<T extends DomainEventType = DomainEventType>(
  stored: StoredEvent,
  types?: ReadonlySet<T>,
): DomainEventRecord<DomainEventOfType<T>> | null {
  const event = domainEventOf(stored, types);
  if (event === null) return null;
  const metadata = readEventMetadata(stored);
  const domainEvent: AnyDomainEvent = event;
  const record: RecordOf<AnyDomainEvent> = {
    type: domainEvent.type,
    event: domainEvent,
    eventId: stored.eventId,
    occurredAt: metadata.occurredAt,
    metadata,
    streamId: stored.streamId,
    revision: stored.revision,
    position: stored.position,
  };
  // RecordOf<A | B> and RecordOf<A> | RecordOf<B> hold the same values (type and event come from one
  // event), and domainEventOf returned only types of T.
  return record as DomainEventRecord<DomainEventOfType<T>>;
}

/** Narrows a record to a reader's subset of types (for records read with a wider filter). */
export function isRecordOfType<T extends DomainEventType>(
  record: DomainEventRecord,
  types: ReadonlySet<T>,
): record is DomainEventRecord<DomainEventOfType<T>> {
  return hasType(types, record.type);
}

const stringFields = ['eventId', 'contractId', 'milestoneId', 'employerId', 'trainerId', 'correlationId', 'causationId'] as const;
const numberFields = ['schemaVersion', 'upcastedFrom'] as const;

function actorOf(value: unknown): Actor | null {
  if (typeof value !== 'object' || value === null || !('role' in value) || !('id' in value)) return null;
  const { role, id } = value;
  const known = roles.find((r) => r === role);
  return known !== undefined && typeof id === 'string' ? { role: known, id } : null;
}

/** Set<T>.has takes only a T; asking a set of some types about any type is still a plain lookup. */
function hasType(types: ReadonlySet<string>, type: string): boolean {
  return types.has(type);
}
