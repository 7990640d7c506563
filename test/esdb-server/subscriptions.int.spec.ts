import { END, NO_STREAM, START, streamNameFilter, type AllStreamResolvedEvent, type EventStoreDBClient, type Position } from '@eventstore/db-client';
import { freshStream, someEvent, startWithClient } from './spec-support';
import type { EsdbTestServer } from './types';

type Subscription = ReturnType<EventStoreDBClient['subscribeToAll']>;

/** Types delivered by `subscription` up to (and including) an event of type `last`. */
async function typesUntil(subscription: Subscription, last: string): Promise<string[]> {
  const types: string[] = [];
  for await (const resolved of subscription as AsyncIterable<AllStreamResolvedEvent>) {
    types.push(resolved.event!.type);
    if (resolved.event!.type === last) break;
  }
  await subscription.unsubscribe();
  return types;
}

describe('EventStoreDB test server: catch-up subscriptions to $all (23.10)', () => {
  let server: EsdbTestServer;
  let client: EventStoreDBClient;
  beforeAll(async () => {
    ({ server, client } = await startWithClient());
  });
  afterAll(async () => {
    await client.dispose();
    await server.close();
  });

  it('catches up from the start, then delivers live events, in log order, filtered on the server', async () => {
    const prefix = freshStream('orders-');
    await client.appendToStream(`${prefix}-1`, [someEvent('A'), someEvent('B')], { expectedRevision: NO_STREAM });
    server.collectStats();
    const subscription = client.subscribeToAll({ fromPosition: START, filter: streamNameFilter({ prefixes: [prefix] }) });
    const delivered = typesUntil(subscription, 'D');
    server.collectStats();
    await client.appendToStream(`${prefix}-2`, [someEvent('C'), someEvent('D')], { expectedRevision: NO_STREAM });
    expect(await delivered).toEqual(['A', 'B', 'C', 'D']);
  });

  it('from the end, delivers only what is written afterwards', async () => {
    const prefix = freshStream('orders-');
    await client.appendToStream(`${prefix}-1`, someEvent('Before'), { expectedRevision: NO_STREAM });
    const subscription = client.subscribeToAll({ fromPosition: END, filter: streamNameFilter({ prefixes: [prefix] }) });
    const delivered = typesUntil(subscription, 'After');
    await new Promise((resolve) => subscription.once('confirmation', resolve));
    await client.appendToStream(`${prefix}-1`, someEvent('After'), { expectedRevision: 0n });
    expect(await delivered).toEqual(['After']);
  });

  it('from the position of an event the filter matches, starts after it', async () => {
    const prefix = freshStream('orders-');
    await client.appendToStream(`${prefix}-1`, [someEvent('A'), someEvent('B'), someEvent('C')], { expectedRevision: NO_STREAM });
    const [a] = server.stream(`${prefix}-1`);
    const subscription = client.subscribeToAll({ fromPosition: a!.position, filter: streamNameFilter({ prefixes: [prefix] }) });
    expect(await typesUntil(subscription, 'C')).toEqual(['B', 'C']);
  });

  it('from the position of an event the filter does NOT match, leaves out the next one it does (the one-event first page)', async () => {
    // What 23.10 does (CatchUpFromCheckpoint reads one matching event from the position and
    // starts after it); a consumer must subscribe from positions its own filter produced.
    const prefix = freshStream('orders-');
    await client.appendToStream(`${prefix}-1`, someEvent('First'), { expectedRevision: NO_STREAM });
    const elsewhere = await client.appendToStream(freshStream('elsewhere-'), someEvent('Elsewhere'), { expectedRevision: NO_STREAM });
    await client.appendToStream(`${prefix}-1`, [someEvent('Second'), someEvent('Third')], { expectedRevision: 0n });
    const subscription = client.subscribeToAll({ fromPosition: elsewhere.position!, filter: streamNameFilter({ prefixes: [prefix] }) });
    expect(await typesUntil(subscription, 'Third')).toEqual(['Third']);
  });

  it('unfiltered, from a position, leaves out exactly the event at that position', async () => {
    const stream = freshStream();
    await client.appendToStream(stream, [someEvent('A'), someEvent('B')], { expectedRevision: NO_STREAM });
    const [a] = server.stream(stream);
    expect(await typesUntil(client.subscribeToAll({ fromPosition: a!.position }), 'B')).toEqual(['B']);
  });

  it('sends a filtered subscription checkpoints across long stretches it filters out, catching up and live', async () => {
    const prefix = freshStream('orders-');
    const noise = freshStream('noise-');
    await client.appendToStream(noise, Array.from({ length: 70 }, () => someEvent('Noise')), { expectedRevision: NO_STREAM });
    const checkpoints: Position[] = [];
    const subscription = client.subscribeToAll({
      fromPosition: START,
      // window 32 (the "count" default) × multiplier 1: a checkpoint every 32 events considered
      filter: streamNameFilter({ prefixes: [prefix], checkpointInterval: 1, checkpointReached: (_s, position) => void checkpoints.push(position) }),
    });
    const delivered = typesUntil(subscription, 'Mine');
    const caughtUpTo = server.events().at(-1)!.position;
    await waitFor(() => checkpoints.length > 0);
    await client.appendToStream(noise, Array.from({ length: 40 }, () => someEvent('Noise')), { expectedRevision: 69n });
    await client.appendToStream(prefix, someEvent('Mine'), { expectedRevision: NO_STREAM });
    expect(await delivered).toEqual(['Mine']);
    expect(checkpoints.length).toBeGreaterThanOrEqual(2);
    for (let i = 1; i < checkpoints.length; i++) expect(checkpoints[i]!.commit).toBeGreaterThan(checkpoints[i - 1]!.commit);
    // At least one came live, past everything written before the subscription.
    expect(checkpoints.at(-1)!.commit).toBeGreaterThan(caughtUpTo.commit);
  });

  it('ends a subscription the way 23.10 drops a consumer it gave up on', async () => {
    const subscription = client.subscribeToAll({ fromPosition: END });
    const failed = new Promise<Error>((resolve) => subscription.once('error', resolve));
    await new Promise((resolve) => subscription.once('confirmation', resolve));
    expect(server.dropSubscriptions()).toBeGreaterThanOrEqual(1);
    expect(await failed).toMatchObject({ type: 'timeout', message: expect.stringMatching(/Consumer too slow/) });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
