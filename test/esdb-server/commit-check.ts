import type { CommittedEventRef } from './recent-event-ids';

/**
 * The server's duplicate check for an append, as a pure function. It follows, branch by branch,
 * `IndexWriter.CheckCommit` (EventStore/EventStore, src/EventStore.Core/Services/Storage/
 * ReaderIndex/IndexWriter.cs, commit 0ac6e3fc2ab90787f46cc3e54863e11b510c20cc) and what the
 * writer does with each decision (`StorageWriterService.ActOnCommitCheckFailure`, same folder's
 * parent, commit 02e322ccea3dbf6e1077c687a4f99215ae91674b). Deleted and soft-deleted streams are
 * left out: the test server has no Delete or Tombstone.
 */

/** The server's ExpectedVersion constants (EventStore.Core.Data.ExpectedVersion). */
export const expectedAny = -2;
export const expectedNoStream = -1;
export const expectedStreamExists = -4;

export interface CommitCheckInput {
  readonly stream: string;
  /** A revision, or expectedAny / expectedNoStream / expectedStreamExists. */
  readonly expected: number;
  readonly eventIds: readonly string[];
  /** The writer's view, including written but not yet indexed events; -1: no stream. */
  readonly currentVersion: number;
  /** Last revision of the stream's metadata stream (`$$<stream>`); -1: none. */
  readonly metastreamVersion: number;
  /** Last revision readers can see; an idempotent answer needs the original indexed. */
  readonly indexedLastRevision: number;
  readonly recentEvent: (eventId: string) => CommittedEventRef | undefined;
  readonly indexedEventIdAt: (revision: number) => string | undefined;
}

export type CommitDecision =
  | { readonly kind: 'ok' }
  | { readonly kind: 'wrong_expected_version'; readonly currentVersion: number }
  /** Some of the batch is at the revisions it would take, some is not. Answered as WrongExpectedVersion. */
  | { readonly kind: 'corrupted_idempotency'; readonly currentVersion: number }
  | { readonly kind: 'idempotent'; readonly firstRevision: number; readonly lastRevision: number }
  /** Idempotent, but the original is not indexed yet: the writer drops it; the client is told Timeout later. */
  | { readonly kind: 'idempotent_not_ready'; readonly firstRevision: number; readonly lastRevision: number };

export function checkCommit(input: CommitCheckInput): CommitDecision {
  const current = input.currentVersion;
  // "stream_exists" on a stream with no events passes only if its metadata stream exists.
  if (input.expected === expectedStreamExists && current < 0 && input.metastreamVersion < 0) {
    return { kind: 'wrong_expected_version', currentVersion: current };
  }
  if (input.expected === expectedAny || input.expected === expectedStreamExists) return checkAgainstRecentIds(input);
  if (input.expected < current) return checkAtExpectedRevisions(input);
  if (input.expected > current) return { kind: 'wrong_expected_version', currentVersion: current };
  return { kind: 'ok' };
}

/**
 * `any` / `stream_exists`: only the cache of recently committed ids is consulted. The first id
 * missing (or committed to another stream) makes a fresh write; a later one is corrupted
 * idempotency. Revisions are not checked for being consecutive.
 */
function checkAgainstRecentIds(input: CommitCheckInput): CommitDecision {
  let first = -1;
  let last = -1;
  for (const [index, eventId] of input.eventIds.entries()) {
    const known = input.recentEvent(eventId);
    if (known === undefined || known.stream !== input.stream) {
      return index === 0 ? { kind: 'ok' } : { kind: 'corrupted_idempotency', currentVersion: input.currentVersion };
    }
    if (index === 0) first = known.revision;
    last = known.revision;
  }
  if (input.eventIds.length === 0) return { kind: 'ok' };
  return idempotent(input, first, last);
}

/**
 * An expected revision behind the stream: each id is compared with the event at the revision it
 * would take (cache first, then the index). The first mismatching at once is a plain version
 * conflict; a later one is corrupted idempotency; none is a retry of a batch already written.
 */
function checkAtExpectedRevisions(input: CommitCheckInput): CommitDecision {
  let revision = input.expected;
  for (const eventId of input.eventIds) {
    revision += 1;
    const known = input.recentEvent(eventId);
    if (known !== undefined && known.stream === input.stream && known.revision === revision) continue;
    if (input.indexedEventIdAt(revision) === eventId) continue;
    if (revision === input.expected + 1) return { kind: 'wrong_expected_version', currentVersion: input.currentVersion };
    return { kind: 'corrupted_idempotency', currentVersion: input.currentVersion };
  }
  if (revision === input.expected) return { kind: 'wrong_expected_version', currentVersion: input.currentVersion };
  return idempotent(input, input.expected + 1, revision);
}

function idempotent(input: CommitCheckInput, firstRevision: number, lastRevision: number): CommitDecision {
  return input.indexedLastRevision >= lastRevision
    ? { kind: 'idempotent', firstRevision, lastRevision }
    : { kind: 'idempotent_not_ready', firstRevision, lastRevision };
}
