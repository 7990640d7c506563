import {
  ANY,
  NO_STREAM,
  STREAM_EXISTS,
  jsonEvent,
  type AppendExpectedRevision,
  type EventData,
  type JSONType,
  type RecordedEvent as ClientRecordedEvent,
  type ResolvedEvent,
  type AllStreamResolvedEvent,
} from '@eventstore/db-client';
import { assert } from '@escrow/domain';
import type { EventToAppend, ExpectedRevision, RecordedEvent } from '../event-store';
import { encodePosition, positionPartMax } from './position';

/**
 * Written into every appended event's metadata: a fresh id per call of `append`. Reading the
 * stored event back then tells whether this call wrote it or an earlier call did (see
 * `judgeAcceptedAppend`). Stripped again on every read, so callers never see it.
 */
export const appendAttemptKey = '_appendAttemptId';
/**
 * Written into every appended event's metadata: the event's link in its stream's hash chain
 * (hash-chain/canonical.ts), lowercase hex. Stripped on every read like the attempt id; the
 * chain covers the metadata without these two keys.
 */
export const chainHashKey = '_chainHash';
const reservedKeys = [appendAttemptKey, chainHashKey];

export function toClientExpectedRevision(expected: ExpectedRevision): AppendExpectedRevision {
  switch (expected) {
    case 'any':
      return ANY;
    case 'no_stream':
      return NO_STREAM;
    case 'stream_exists':
      return STREAM_EXISTS;
    default:
      assert(Number.isSafeInteger(expected) && expected >= 0, 'expected revision is a revision');
      return BigInt(expected);
  }
}

/** The event as the client appends it: our event id is ESDB's, which is what makes retries idempotent. */
export function toEventData(event: EventToAppend, attemptId: string, chainHash: string): EventData {
  for (const key of reservedKeys) assert(!(key in event.metadata), `metadata key ${key} is reserved by the EventStoreDB adapter`);
  return jsonEvent({
    id: event.eventId,
    type: event.type,
    data: event.data as JSONType,
    metadata: { ...event.metadata, [appendAttemptKey]: attemptId, [chainHashKey]: chainHash },
  });
}

/** The chain hash stored with this event, or null for an event written without one. */
export function chainHashOf(event: ClientRecordedEvent): string | null {
  const metadata = event.metadata;
  if (!isPlainObject(metadata)) return null;
  const hash = metadata[chainHashKey];
  return typeof hash === 'string' && /^[0-9a-f]{64}$/.test(hash) ? hash : null;
}

/** The append attempt that wrote this event, or null for an event written without one. */
export function appendAttemptOf(event: ClientRecordedEvent): string | null {
  const metadata = event.metadata;
  if (!isPlainObject(metadata)) return null;
  const attempt = metadata[appendAttemptKey];
  return typeof attempt === 'string' ? attempt : null;
}

/**
 * A resolved event, as the client gives it from a stream read, a read of `$all` or a
 * subscription, in the port's terms. `namespace` is taken off the stream name.
 */
export function toRecordedEvent(resolved: ResolvedEvent | AllStreamResolvedEvent, namespace: string): RecordedEvent {
  const event = resolved.event;
  assert(event !== undefined, 'a resolved event carries its event (links are never resolved here)');
  assert(event.streamId.startsWith(namespace), `stream ${event.streamId} is in namespace ${JSON.stringify(namespace)}`);
  // Our events are JSON; a binary event in our streams was written by something else.
  assert(event.isJson, `event ${event.id} in ${event.streamId} is JSON`);
  assert(event.revision <= BigInt(Number.MAX_SAFE_INTEGER), 'stream revisions fit a JavaScript number');
  const position = event.position;
  // Stream reads carry positions from server 22.6 on; ESDB answers 2^64-1 where it does not know one.
  assert(
    position !== undefined && position.commit !== positionPartMax,
    `EventStoreDB gave the position of event ${event.id} (needs server 22.6 or later)`,
  );
  return {
    eventId: event.id,
    type: event.type,
    data: event.data,
    metadata: withoutAttempt(event.metadata),
    streamId: event.streamId.slice(namespace.length),
    revision: Number(event.revision),
    position: encodePosition(position),
    recordedAt: event.created.toISOString(),
  };
}

function withoutAttempt(metadata: unknown): Readonly<Record<string, unknown>> {
  if (metadata === undefined) return {};
  assert(isPlainObject(metadata), 'event metadata is a JSON object');
  const { [appendAttemptKey]: _attempt, [chainHashKey]: _hash, ...rest } = metadata;
  return rest;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && !(value instanceof Uint8Array);
}
