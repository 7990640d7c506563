import { ErrorType } from '@eventstore/db-client';
import { assert } from '@escrow/domain';
import { WrongExpectedVersion, type ExpectedRevision } from '../event-store';

/**
 * The client's `WrongExpectedVersionError` as the port's `WrongExpectedVersion`, or null for any
 * other error (those pass through unchanged). Recognised by its `type`, not `instanceof`, so a
 * second copy of the client package in node_modules cannot hide it. The error names the stream
 * as sent (with any namespace); the port's error names the caller's stream id, and the revision
 * the caller expected in the port's terms.
 */
export function wrongExpectedVersionOf(error: unknown, streamId: string, expected: ExpectedRevision): WrongExpectedVersion | null {
  if (!isClientError(error, ErrorType.WRONG_EXPECTED_VERSION)) return null;
  const actual = (error as { actualVersion?: unknown }).actualVersion;
  return new WrongExpectedVersion(streamId, expected, actualRevision(actual));
}

/** Reading a stream that was never written (or was soft-deleted) is an empty read, not an error. */
export function isStreamNotFound(error: unknown): boolean {
  return isClientError(error, ErrorType.STREAM_NOT_FOUND);
}

function isClientError(error: unknown, type: ErrorType): boolean {
  return typeof error === 'object' && error !== null && (error as { type?: unknown }).type === type;
}

function actualRevision(actual: unknown): number | 'no_stream' {
  if (actual === 'no_stream' || actual === undefined) return 'no_stream';
  assert(typeof actual === 'bigint', 'the actual version of a WrongExpectedVersionError is a bigint or no_stream');
  // ESDB answers -1 for "no stream" on some paths (the non-throwing append result).
  if (actual < 0n) return 'no_stream';
  assert(actual <= BigInt(Number.MAX_SAFE_INTEGER), 'stream revisions fit a JavaScript number');
  return Number(actual);
}
