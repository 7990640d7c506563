import { ANY, binaryEvent, FORWARDS, NO_STREAM, STREAM_EXISTS, type EventStoreDBClient } from '@eventstore/db-client';
import { collect, freshStream, rejectionOf, someEvent, startWithClient } from './spec-support';
import type { EsdbTestServer } from './types';

describe('EventStoreDB test server: appends through the official client (BatchAppend)', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    ({ server, client } = await startWithClient({ maxAppendSizeBytes: 4_096 }));
  });
  afterAll(async () => {
    await client.dispose();
    await server.close();
  });

  it('answers an append with its last event\'s revision and position, commit == prepare', async () => {
    const stream = freshStream();
    const result = await client.appendToStream(stream, [someEvent('A'), someEvent('B')], { expectedRevision: NO_STREAM });
    const stored = server.stream(stream);
    expect(result).toEqual({ success: true, nextExpectedRevision: 1n, position: stored[1]!.position });
    expect(stored.map((e) => [e.revision, e.type])).toEqual([[0, 'A'], [1, 'B']]);
  });

  it('refuses a wrong expected revision with the stream\'s current revision and the expectation sent', async () => {
    const stream = freshStream();
    await client.appendToStream(stream, someEvent(), { expectedRevision: NO_STREAM });
    expect(await rejectionOf(client.appendToStream(stream, someEvent(), { expectedRevision: 5n }))).toMatchObject({
      type: 'wrong-expected-version',
      actualVersion: 0n,
      expectedVersion: 5n,
    });
    expect(await rejectionOf(client.appendToStream(freshStream(), someEvent(), { expectedRevision: 0n }))).toMatchObject({
      type: 'wrong-expected-version',
      actualVersion: 'no_stream',
    });
    expect(await rejectionOf(client.appendToStream(freshStream(), someEvent(), { expectedRevision: STREAM_EXISTS }))).toMatchObject({
      type: 'wrong-expected-version',
      expectedVersion: 'stream_exists',
    });
  });

  it('answers a retry with the same expected revision exactly as the original, writing nothing', async () => {
    const stream = freshStream();
    const batch = [someEvent('A'), someEvent('B')];
    const first = await client.appendToStream(stream, batch, { expectedRevision: NO_STREAM });
    await client.appendToStream(stream, someEvent('C'), { expectedRevision: 1n });
    expect(await client.appendToStream(stream, batch, { expectedRevision: NO_STREAM })).toEqual(first);
    expect(server.stream(stream).map((e) => e.type)).toEqual(['A', 'B', 'C']);
  });

  it('refuses a batch whose first event is where it would go but the rest is not ("corrupted idempotency")', async () => {
    const stream = freshStream();
    const [a, b] = [someEvent('A'), someEvent('B')];
    await client.appendToStream(stream, [a, b], { expectedRevision: NO_STREAM });
    expect(await rejectionOf(client.appendToStream(stream, [a, someEvent('X')], { expectedRevision: NO_STREAM }))).toMatchObject({
      type: 'wrong-expected-version',
      actualVersion: 1n,
    });
    // The same batch appended at the stream's current revision is a new write: ids are compared only where the batch would go.
    expect(await client.appendToStream(stream, [a, b], { expectedRevision: 1n })).toMatchObject({ nextExpectedRevision: 3n });
  });

  it('with any, deduplicates from the recently committed ids only, which a restart loses', async () => {
    const stream = freshStream();
    const batch = [someEvent('A')];
    await client.appendToStream(stream, batch, { expectedRevision: ANY });
    expect(await client.appendToStream(stream, batch, { expectedRevision: ANY })).toMatchObject({ nextExpectedRevision: 0n });
    server.forgetRecentEventIds();
    expect(await client.appendToStream(stream, batch, { expectedRevision: ANY })).toMatchObject({ nextExpectedRevision: 1n });
    expect(server.stream(stream)).toHaveLength(2);
  });

  it('keeps event ids unique per stream only', async () => {
    const event = someEvent();
    const [one, two] = [freshStream(), freshStream()];
    await client.appendToStream(one, event, { expectedRevision: NO_STREAM });
    await client.appendToStream(two, event, { expectedRevision: NO_STREAM });
    expect([...server.stream(one), ...server.stream(two)].map((e) => e.eventId)).toEqual([event.id, event.id]);
  });

  it('refuses an append over the maximum append size (the type counted twice, in UTF-16 units)', async () => {
    const data = new Uint8Array(4_096 - 2 * 'Big'.length + 1);
    expect(await rejectionOf(client.appendToStream(freshStream(), binaryEvent({ type: 'Big', data }), { expectedRevision: ANY }))).toMatchObject({
      type: 'maximum-append-size-exceeded',
      maxAppendSize: 4_096,
    });
  });

  it('stores anything but JSON as binary and reads it back as such', async () => {
    const stream = freshStream();
    await client.appendToStream(stream, binaryEvent({ type: 'Raw', data: new Uint8Array([1, 2, 3]) }), { expectedRevision: NO_STREAM });
    const [read] = await collect(client.readStream(stream, { direction: FORWARDS, fromRevision: 0n, maxCount: 1 }));
    expect(read?.event).toMatchObject({ isJson: false, data: new Uint8Array([1, 2, 3]) });
  });

  it('refuses, as unmodelled, writing stream metadata and the unary Append the client falls back to', async () => {
    expect(await rejectionOf(client.setStreamMetadata(freshStream(), { maxCount: 1 }))).toMatchObject({ message: expect.stringMatching(/UNIMPLEMENTED.*stream metadata/) });
    // Per-call credentials make the client use Append instead of BatchAppend.
    const unary = client.appendToStream(freshStream(), someEvent(), { credentials: { username: 'admin', password: 'changeit' } });
    expect(await rejectionOf(unary)).toMatchObject({ message: expect.stringMatching(/UNIMPLEMENTED/) });
  });
});

describe('EventStoreDB test server: an idempotent retry of a write not yet indexed', () => {
  it('is dropped by the writer, and the client is told Timeout after the write timeout', async () => {
    const { server, client } = await startWithClient({ indexDelayMs: 300, writeTimeoutMs: 200 });
    try {
      const stream = freshStream();
      const batch = [someEvent('A')];
      // Two attempts in flight at once; whichever reaches the server second finds the first not yet indexed.
      const attempts = await Promise.allSettled([
        client.appendToStream(stream, batch, { expectedRevision: NO_STREAM }),
        client.appendToStream(stream, batch, { expectedRevision: NO_STREAM }),
      ]);
      const outcomes = attempts.map((a) => (a.status === 'fulfilled' ? String(a.value.nextExpectedRevision) : (a.reason as { type: string }).type));
      expect(outcomes.sort()).toEqual(['0', 'deadline-exceeded']);
      // Once the original is indexed, the retry is recognised.
      expect(await client.appendToStream(stream, batch, { expectedRevision: NO_STREAM })).toMatchObject({ nextExpectedRevision: 0n });
      expect(server.stream(stream)).toHaveLength(1);
    } finally {
      await client.dispose();
      await server.close();
    }
  });
});
