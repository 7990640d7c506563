import { checkCommit, expectedAny, expectedNoStream, expectedStreamExists, type CommitCheckInput } from './commit-check';

/** A stream `s` holding events a, b, c at revisions 0..2, all indexed and recently committed. */
function input(overrides: Partial<CommitCheckInput>): CommitCheckInput {
  const stream = ['a', 'b', 'c'];
  return {
    stream: 's',
    expected: 2,
    eventIds: ['x'],
    currentVersion: stream.length - 1,
    metastreamVersion: -1,
    indexedLastRevision: stream.length - 1,
    recentEvent: (id) => (stream.includes(id) ? { stream: 's', revision: stream.indexOf(id) } : undefined),
    indexedEventIdAt: (revision) => stream[revision],
    ...overrides,
  };
}

describe('checkCommit (IndexWriter.CheckCommit)', () => {
  it('accepts the stream\'s current revision, and no_stream on a stream that has none', () => {
    expect(checkCommit(input({ expected: 2 }))).toEqual({ kind: 'ok' });
    expect(checkCommit(input({ expected: expectedNoStream, currentVersion: -1, indexedLastRevision: -1 }))).toEqual({ kind: 'ok' });
  });

  it('refuses a revision ahead of the stream', () => {
    expect(checkCommit(input({ expected: 5 }))).toEqual({ kind: 'wrong_expected_version', currentVersion: 2 });
    expect(checkCommit(input({ expected: 0, currentVersion: -1 }))).toEqual({ kind: 'wrong_expected_version', currentVersion: -1 });
  });

  it('answers a batch found at exactly the revisions it would take as idempotent', () => {
    expect(checkCommit(input({ expected: 0, eventIds: ['b', 'c'] }))).toEqual({ kind: 'idempotent', firstRevision: 1, lastRevision: 2 });
    expect(checkCommit(input({ expected: expectedNoStream, eventIds: ['a'] }))).toEqual({ kind: 'idempotent', firstRevision: 0, lastRevision: 0 });
  });

  it('finds the ids in the index when the recent-ids cache has forgotten them', () => {
    expect(checkCommit(input({ expected: 0, eventIds: ['b'], recentEvent: () => undefined }))).toEqual({ kind: 'idempotent', firstRevision: 1, lastRevision: 1 });
  });

  it('is a version conflict when the first id is not where it would go, even if it is elsewhere in the stream', () => {
    expect(checkCommit(input({ expected: 1, eventIds: ['a'] }))).toEqual({ kind: 'wrong_expected_version', currentVersion: 2 });
    expect(checkCommit(input({ expected: 0, eventIds: ['x'] }))).toEqual({ kind: 'wrong_expected_version', currentVersion: 2 });
  });

  it('is corrupted idempotency when a later id differs or runs past the stream\'s end', () => {
    expect(checkCommit(input({ expected: 0, eventIds: ['b', 'x'] }))).toEqual({ kind: 'corrupted_idempotency', currentVersion: 2 });
    expect(checkCommit(input({ expected: 1, eventIds: ['c', 'd'] }))).toEqual({ kind: 'corrupted_idempotency', currentVersion: 2 });
  });

  it('with any or stream_exists, consults only the recent-ids cache', () => {
    expect(checkCommit(input({ expected: expectedAny, eventIds: ['b', 'c'] }))).toEqual({ kind: 'idempotent', firstRevision: 1, lastRevision: 2 });
    expect(checkCommit(input({ expected: expectedStreamExists, eventIds: ['a'] }))).toEqual({ kind: 'idempotent', firstRevision: 0, lastRevision: 0 });
    expect(checkCommit(input({ expected: expectedAny, eventIds: ['a'], recentEvent: () => undefined }))).toEqual({ kind: 'ok' });
    expect(checkCommit(input({ expected: expectedAny, eventIds: ['a', 'x'] }))).toEqual({ kind: 'corrupted_idempotency', currentVersion: 2 });
    // An id committed to another stream is a fresh write here.
    expect(checkCommit(input({ expected: expectedAny, eventIds: ['a'], recentEvent: () => ({ stream: 'other', revision: 0 }) }))).toEqual({ kind: 'ok' });
  });

  it('refuses stream_exists on a stream without events unless its metadata stream exists', () => {
    const empty = { currentVersion: -1, indexedLastRevision: -1, recentEvent: () => undefined, indexedEventIdAt: () => undefined };
    expect(checkCommit(input({ ...empty, expected: expectedStreamExists }))).toEqual({ kind: 'wrong_expected_version', currentVersion: -1 });
    expect(checkCommit(input({ ...empty, expected: expectedStreamExists, metastreamVersion: 0 }))).toEqual({ kind: 'ok' });
  });

  it('is "not ready" when the original write is not indexed yet', () => {
    expect(checkCommit(input({ expected: 0, eventIds: ['b', 'c'], indexedLastRevision: 1, indexedEventIdAt: (r) => ['a', 'b'][r] }))).toEqual({
      kind: 'idempotent_not_ready',
      firstRevision: 1,
      lastRevision: 2,
    });
  });
});
