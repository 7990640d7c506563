import { BACKWARDS, END, FORWARDS, NO_STREAM, START, type AllStreamResolvedEvent, type EventStoreDBClient } from '@eventstore/db-client';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import type { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { readAllFiltered } from '../../libs/event-store/src/eventstoredb/filtered-read';
import { collect, eventsOf, filterOn, freshStream, rawRead, rejectionOf, someEvent, startWithClient } from './spec-support';
import type { EsdbTestServer } from './types';

const typeOf = (resolved: { event?: { type: string } }) => resolved.event?.type;
const positionOf = (resolved: AllStreamResolvedEvent) => resolved.event!.position;

describe('EventStoreDB test server: reads through the official client', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    ({ server, client } = await startWithClient());
  });
  afterAll(async () => {
    await client.dispose();
    await server.close();
  });

  it('reads a stream forwards from a revision and backwards from the end or a revision', async () => {
    const stream = freshStream();
    await client.appendToStream(stream, ['A', 'B', 'C', 'D'].map((type) => someEvent(type)), { expectedRevision: NO_STREAM });
    expect((await collect(client.readStream(stream, { fromRevision: 1n, maxCount: 2 }))).map(typeOf)).toEqual(['B', 'C']);
    expect((await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: END, maxCount: 3 }))).map(typeOf)).toEqual(['D', 'C', 'B']);
    expect((await collect(client.readStream(stream, { direction: BACKWARDS, fromRevision: 1n }))).map(typeOf)).toEqual(['B', 'A']);
    expect(await collect(client.readStream(stream, { fromRevision: 9n }))).toEqual([]);
  });

  it('answers "stream not found" for a stream never written', async () => {
    expect(await rejectionOf(collect(client.readStream(freshStream())))).toMatchObject({ type: 'stream-not-found' });
  });

  it('gives every event its log position, commit == prepare, in stream reads as in $all', async () => {
    const stream = freshStream();
    await client.appendToStream(stream, [someEvent('A'), someEvent('B')], { expectedRevision: NO_STREAM });
    const fromStream = await collect(client.readStream(stream));
    const held = server.stream(stream);
    expect(fromStream.map((e) => e.event!.position)).toEqual(held.map((e) => e.position));
    expect(fromStream.map((e) => e.event!.created.getTime())).toEqual(held.map((e) => e.createdAt.getTime()));
    const [first] = await collect(client.readAll({ fromPosition: held[0]!.position, maxCount: 1 }));
    expect(first?.event).toMatchObject({ id: held[0]!.eventId, streamId: stream, revision: 0n, position: held[0]!.position });
  });

  it('orders $all by byte offsets that increase by more than one, the first event not at 0', async () => {
    await client.appendToStream(freshStream(), [someEvent(), someEvent()], { expectedRevision: NO_STREAM });
    const offsets = (await collect(client.readAll({ maxCount: 1_000 }))).map((e) => positionOf(e).commit);
    expect(offsets[0]).toBeGreaterThan(0n);
    for (let i = 1; i < offsets.length; i++) expect(offsets[i]! - offsets[i - 1]!).toBeGreaterThan(1n);
  });

  it('reads $all forwards from a position inclusive, backwards exclusive', async () => {
    const stream = freshStream();
    await client.appendToStream(stream, ['A', 'B', 'C'].map((type) => someEvent(type)), { expectedRevision: NO_STREAM });
    const [, b] = server.stream(stream);
    expect((await collect(client.readAll({ fromPosition: b!.position, maxCount: 2 }))).map(typeOf)).toEqual(['B', 'C']);
    expect((await collect(client.readAll({ fromPosition: b!.position, direction: BACKWARDS, maxCount: 1 }))).map(typeOf)).toEqual(['A']);
    const [last] = await collect(client.readAll({ fromPosition: END, direction: BACKWARDS, maxCount: 1 }));
    expect(positionOf(last!)).toEqual(server.events().at(-1)!.position);
  });

  it('holds the node\'s own system events in $all: the stats stream\'s metadata, then $statsCollected', async () => {
    const stats = server.collectStats();
    const all = await collect(client.readAll({ fromPosition: START, maxCount: 10_000 }));
    expect(all.filter((e) => e.event!.streamId.startsWith('$')).map((e) => [e.event!.streamId, e.event!.type])).toEqual(
      expect.arrayContaining([
        ['$$$stats-127.0.0.1:2113', '$metadata'],
        ['$stats-127.0.0.1:2113', '$statsCollected'],
      ]),
    );
    expect(all.map((e) => e.event!.id)).toContain(stats.eventId);
  });

  it('filters $all on the server by stream prefix or regex, event type prefix or regex, paging until the count is met', async () => {
    const stream = freshStream('orders-');
    server.collectStats();
    await client.appendToStream(stream, ['Placed', 'Paid', 'Placed', 'Shipped'].map((type) => someEvent(type)), { expectedRevision: NO_STREAM });
    server.collectStats();
    const read = async (filter: ReadReq.Options.FilterOptions, count = 1_000) =>
      eventsOf(await rawRead(server.url, (options) => {
        options.setFilter(filter);
        options.setCount(String(count));
      }));
    const types = (events: Array<{ stream: string; type: string }>) => events.filter((e) => e.stream === stream).map((e) => e.type);
    expect(await read(filterOn('stream', { prefixes: [stream] }))).toEqual(['Placed', 'Paid', 'Placed', 'Shipped'].map((type) => ({ stream, type })));
    expect(types(await read(filterOn('stream', { regex: `^${stream}$` })))).toEqual(['Placed', 'Paid', 'Placed', 'Shipped']);
    expect(types(await read(filterOn('type', { prefixes: ['Pla'] })))).toEqual(['Placed', 'Placed']);
    expect(types(await read(filterOn('type', { regex: 'ai|ip' })))).toEqual(['Paid', 'Shipped']);
    expect(new Set((await read(filterOn('type', { prefixes: ['$stats'] }))).map((e) => e.stream))).toEqual(new Set(['$stats-127.0.0.1:2113']));
    expect(await read(filterOn('stream', { prefixes: [stream] }), 3)).toHaveLength(3);
    // The filtered read the adapter sends through the client's channel (filtered-read.ts).
    const viaAdapter = await readAllFiltered(client, { from: 'start', direction: FORWARDS, maxCount: 3, prefixes: [stream], requiresLeader: true, deadlineMs: 5_000 });
    expect(viaAdapter.map(typeOf)).toEqual(['Placed', 'Paid', 'Placed']);
    const lastOne = await readAllFiltered(client, { from: 'end', direction: BACKWARDS, maxCount: 1, prefixes: [stream], requiresLeader: true, deadlineMs: 5_000 });
    expect(lastOne.map(typeOf)).toEqual(['Shipped']);
  });

  it('refuses, as unmodelled, what it does not model instead of answering', async () => {
    const stream = freshStream();
    await client.appendToStream(stream, someEvent(), { expectedRevision: NO_STREAM });
    const unimplemented = { message: expect.stringMatching(/UNIMPLEMENTED/) };
    expect(await rejectionOf(collect(client.readStream(stream, { resolveLinkTos: true })))).toMatchObject(unimplemented);
    expect(await rejectionOf(collect(client.readAll({ fromPosition: { commit: 1n, prepare: 1n }, maxCount: 1 })))).toMatchObject(unimplemented);
    expect(await rejectionOf(client.deleteStream(stream))).toMatchObject(unimplemented);
    expect(await rejectionOf(client.tombstoneStream(stream))).toMatchObject(unimplemented);
    const streamSubscription = client.subscribeToStream(stream);
    expect(await rejectionOf(collect(streamSubscription))).toMatchObject(unimplemented);
    const structuredIds = await rejectionOf(rawRead(server.url, (options) => options.getUuidOption()!.setStructured(new Empty())));
    expect(structuredIds).toMatchObject({ code: 12, details: expect.stringMatching(/structured UUIDs/) });
  });
});
