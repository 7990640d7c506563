import { assert } from '@escrow/domain';
import type { EventToAppend } from '../event-store';

/**
 * How the port's idempotency is had from EventStoreDB.
 *
 * ESDB itself deduplicates an append by event id, per stream: with an exact expected revision
 * (or no_stream) it compares the ids against the events at the revisions the batch would take,
 * and answers a retry with the ORIGINAL result; with `any`/`stream_exists` it only consults an
 * in-memory cache of recently committed event ids (lost on restart or leader change): best effort.
 * A batch only partly written before it answers WrongExpectedVersion ("corrupted idempotency").
 *
 * Its answer to an idempotent retry looks exactly like a fresh write (same revision, same
 * position), so `duplicate` cannot be read off the response. Each `append` call therefore tags
 * its events with a fresh attempt id and reads back the event at the revision ESDB answered:
 * our attempt id there means this call wrote it; another means an earlier call did and nothing
 * was written now. One extra read per append buys a `duplicate` that is exact even when two
 * retries of one batch race (only one of them finds its own attempt id).
 */
export interface StoredEventRef {
  readonly eventId: string;
  readonly revision: number;
  readonly position: string;
}

/** After ESDB accepted an append: did this call write the events, or had an earlier one? */
export function judgeAcceptedAppend(
  stored: { readonly eventId: string; readonly attemptId: string | null },
  batch: readonly EventToAppend[],
  attemptId: string,
): { duplicate: boolean } {
  const last = batch[batch.length - 1];
  assert(last !== undefined, 'an append has events');
  assert(sameId(stored.eventId, last.eventId), 'the event at the revision ESDB answered is the batch\'s last');
  return { duplicate: stored.attemptId !== attemptId };
}

export type EarlierAppend =
  | { readonly kind: 'none' }
  | { readonly kind: 'all'; readonly last: StoredEventRef }
  | { readonly kind: 'some'; readonly eventIds: readonly string[] };

/**
 * After ESDB refused an append with WrongExpectedVersion: are the batch's ids in the stream's
 * recent events already? All of them: the batch was appended before (a retry with another
 * expected revision, which the PostgreSQL adapter also answers as a duplicate). Some: neither a
 * retry nor new work. None: a true version conflict.
 */
export function findEarlierAppend(stored: readonly StoredEventRef[], batch: readonly EventToAppend[]): EarlierAppend {
  const byId = new Map(stored.map((event) => [event.eventId.toLowerCase(), event]));
  const found = batch.map((event) => byId.get(event.eventId.toLowerCase())).filter((event) => event !== undefined);
  if (found.length === 0) return { kind: 'none' };
  if (found.length < batch.length) return { kind: 'some', eventIds: found.map((event) => event.eventId) };
  const last = found.reduce((a, b) => (b.revision > a.revision ? b : a));
  return { kind: 'all', last };
}

function sameId(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase();
}
