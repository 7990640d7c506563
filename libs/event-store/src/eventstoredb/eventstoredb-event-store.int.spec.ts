import { randomBytes, randomUUID } from 'node:crypto';
import { startEsdbTestServer, type EsdbTestServer } from '../../../../test/esdb-server';
import { eventStoreSuite } from '../event-store.suite';
import type { EventToAppend, RecordedEvent } from '../event-store';
import { EventStoreDbEventStore, type EventStoreDbOptions } from './eventstoredb-event-store';
import { decodePosition } from './position';

/**
 * The shared contract and the adapter's own tests, through the official client over real gRPC:
 * - always against the EventStoreDB-compatible test server (test/esdb-server), which models the
 *   part of the server the adapter uses, so CI exercises the client path end to end;
 * - and against a real EventStoreDB when EVENTSTORE_URL is set (esdb://localhost:2113?tls=false).
 *   The real server is the authority: the test server follows it, not the other way round.
 * A server cannot be emptied between tests, so every store opened here gets a namespace of its
 * own: it writes `<namespace><stream>` and reads back only its namespace's streams, which to it is
 * a fresh, empty store.
 */
const realServerUrl = process.env.EVENTSTORE_URL;
const skipReason = 'EVENTSTORE_URL is not set';
const testServerTitle = 'EventStoreDbEventStore against the EventStoreDB-compatible test server (test/esdb-server)';
const realServerTitle = `EventStoreDbEventStore against the real EventStoreDB at EVENTSTORE_URL (${realServerUrl ?? 'unset'})`;

console.info(
  realServerUrl
    ? `EventStoreDbEventStore: runs against the EventStoreDB-compatible test server AND the real EventStoreDB at ${realServerUrl}`
    : `EventStoreDbEventStore: runs against the EventStoreDB-compatible test server only; real-server run skipped: ${skipReason} (set it to e.g. esdb://localhost:2113?tls=false)`,
);

const freshNamespace = () => `test-${randomBytes(6).toString('hex')}/`;
const event = (type = 'Happened', data: unknown = { n: 1 }): EventToAppend => ({ eventId: randomUUID(), type, data, metadata: { correlationId: 'c-1' } });

describe('EventStoreDbEventStore.connect', () => {
  it('fails at connect, not at the first command, when no server answers', async () => {
    // Nothing listens on port 1 of the loopback interface: the connection is refused at once.
    await expect(EventStoreDbEventStore.connect('esdb://127.0.0.1:1?tls=false')).rejects.toMatchObject({ type: 'unavailable' });
  });

  it('refuses a connection string that is not esdb:// or esdb+discover://', async () => {
    await expect(EventStoreDbEventStore.connect('http://localhost:2113')).rejects.toThrow(/esdb:\/\//);
  });
});

/** The stores a test opens, each in a namespace of its own unless given one; closed after each test. */
function storeOpener(serverUrl: () => string) {
  const opened: EventStoreDbEventStore[] = [];
  afterEach(async () => {
    await Promise.all(opened.splice(0).map((store) => store.close()));
  });
  return async (options: EventStoreDbOptions = {}) => {
    const store = await EventStoreDbEventStore.connect(serverUrl(), { namespace: freshNamespace(), ...options });
    opened.push(store);
    return store;
  };
}

/** What must hold on any EventStoreDB, real or test server. */
function adapterSuite(serverUrl: () => string) {
  describe('shared EventStore suite', () => {
    eventStoreSuite(
      async () => {
        const store = await EventStoreDbEventStore.connect(serverUrl(), { namespace: freshNamespace() });
        return { store, audit: store.auditLog(), dispose: () => store.close() };
      },
      // ESDB events are immutable: there is no event to edit or delete in place.
      { globalEventIds: false, tampering: false },
    );
  });

  describe('adapter behaviour', () => {
    const open = storeOpener(serverUrl);

    it('sees only its own namespace and prefixes in readAll, subscribe and headPosition', async () => {
      const [mine, theirs] = [await open(), await open()];
      await theirs.append(`contract-${randomUUID()}`, [event('Theirs')], 'no_stream');
      await mine.append(`invoice-${randomUUID()}`, [event('NotAPrefix')], 'no_stream');
      expect(await mine.readAll({ limit: 10 })).toEqual([]);
      expect(await mine.headPosition()).toBeNull();
      const result = await mine.append(`contract-${randomUUID()}`, [event('Mine')], 'no_stream');
      expect((await mine.readAll({ limit: 10 })).map((e) => e.type)).toEqual(['Mine']);
      expect(await mine.headPosition()).toBe(result.position);
    });

    it('answers two racing retries of one batch with exactly one fresh append', async () => {
      const store = await open();
      const id = `contract-${randomUUID()}`;
      const batch = [event('A'), event('B')];
      const settled = await Promise.allSettled([store.append(id, batch, 'no_stream'), store.append(id, batch, 'no_stream')]);
      // ESDB drops (and the client times out) an idempotent write whose original is not yet
      // replicated; retrying it once the original is acknowledged is the documented way out.
      const answers = await Promise.all(settled.map((s) => (s.status === 'fulfilled' ? s.value : store.append(id, batch, 'no_stream'))));
      expect(answers.map((r) => r.duplicate).sort()).toEqual([false, true]);
      expect(answers[0]!.position).toBe(answers[1]!.position);
      expect(await store.readStream(id)).toHaveLength(2);
    });

    it('answers a retry with a stale expected revision as a duplicate, as the PostgreSQL adapter does', async () => {
      const store = await open();
      const id = `contract-${randomUUID()}`;
      const batch = [event('A'), event('B')];
      const first = await store.append(id, batch, 'no_stream');
      await store.append(id, [event('C')], 1);
      expect(await store.append(id, batch, 0)).toEqual({ ...first, duplicate: true });
      expect(await store.readStream(id)).toHaveLength(3);
    });

    it('appends a batch again when given the stream\'s current revision: ESDB compares ids only where the batch would go', async () => {
      // Differs from the PostgreSQL adapter, which finds the ids anywhere. A true retry repeats
      // the expected revision of the first attempt, which ESDB does deduplicate.
      const store = await open();
      const id = `contract-${randomUUID()}`;
      const batch = [event('A'), event('B')];
      await store.append(id, batch, 'no_stream');
      expect(await store.append(id, batch, 1)).toMatchObject({ nextExpectedRevision: 3, duplicate: false });
      expect((await store.readStream(id)).map((e) => e.type)).toEqual(['A', 'B', 'A', 'B']);
    });

    it('pages past events the client-side type filter leaves out', async () => {
      const store = await open();
      const id = `contract-${randomUUID()}`;
      await store.append(id, Array.from({ length: 30 }, (_, n) => event(n % 3 === 0 ? 'Wanted' : 'Other', { n })), 'no_stream');
      const first = await store.readAll({ limit: 4, filter: { eventTypes: ['Wanted'] } });
      expect(first.map((e) => (e.data as { n: number }).n)).toEqual([0, 3, 6, 9]);
      const rest = await store.readAll({ fromPosition: first.at(-1)!.position, limit: 100, filter: { eventTypes: ['Wanted'] } });
      expect(rest.map((e) => (e.data as { n: number }).n)).toEqual([12, 15, 18, 21, 24, 27]);
    });

    it('resumes a subscription narrowed to some prefixes from a position outside them, losing nothing', async () => {
      // A consumer may hold a position taken from a wider read (here an employer- event) and
      // subscribe to contract- streams only, from there: the next contract- event must arrive.
      // EventStoreDB 23.10 starts such a subscription after the first event at or after the
      // position that passes the server-side filter, so the adapter must send a filter the event
      // at the position passes (its own prefixes) and narrow client-side. Fails until it does.
      const store = await open();
      const outside = await store.append(`employer-${randomUUID()}`, [event('Elsewhere')], 'no_stream');
      await store.append(`contract-${randomUUID()}`, [event('After')], 'no_stream');
      const seen = await collectLive(store, outside.position, 'Later', async () => {
        await store.append(`contract-${randomUUID()}`, [event('Later')], 'no_stream');
      }, { streamPrefixes: ['contract-'] });
      expect(seen.map((e) => e.type)).toEqual(['After', 'Later']);
    });

    it('wakes an append watcher when another process appends', async () => {
      const namespace = freshNamespace();
      const [reader, writer] = [await open({ namespace }), await open({ namespace })];
      const watcher = reader.appendWatcher();
      await new Promise((resolve) => setTimeout(resolve, 500)); // the live feed subscribes
      watcher.mark();
      const started = Date.now();
      const woken = watcher.wait(20_000);
      await writer.append(`contract-${randomUUID()}`, [event()], 'no_stream');
      await woken;
      expect(Date.now() - started).toBeLessThan(10_000);
    });
  });
}

describe(testServerTitle, () => {
  let server: EsdbTestServer;
  beforeAll(async () => {
    server = await startEsdbTestServer();
  });
  afterAll(async () => {
    await server.close();
  });

  adapterSuite(() => server.url);

  // What a real server does too, but a test cannot make it happen there on demand.
  describe('situations only the test server can stage', () => {
    const open = storeOpener(() => server.url);

    it('keeps the node\'s own system events out of readAll, subscribe and headPosition: the server filters them', async () => {
      const namespace = freshNamespace();
      const store = await open({ namespace });
      server.collectStats();
      const first = await store.append(`contract-${randomUUID()}`, [event('First')], 'no_stream');
      server.collectStats();
      const second = await store.append(`contract-${randomUUID()}`, [event('Second')], 'no_stream');
      server.collectStats();
      expect((await store.readAll({ limit: 10 })).map((e) => e.type)).toEqual(['First', 'Second']);
      expect(await store.headPosition()).toBe(second.position);
      const seen = await collectLive(store, first.position, 'Third', async () => {
        server.collectStats();
        await store.append(`contract-${randomUUID()}`, [event('Third')], 'no_stream');
      });
      expect(seen.map((e) => e.type)).toEqual(['Second', 'Third']);
      // On the wire: every read of $all by this store was filtered on its namespace, and no event
      // of the node's own (the $stats and $metadata written around ours) was sent to it.
      const ownReads = server.reads().filter((read) => read.target === '$all' && read.filter?.includes(namespace));
      expect(new Set(ownReads.map((read) => read.kind))).toEqual(new Set(['all', 'subscribe-all']));
      const sent = ownReads.flatMap((read) => read.sentStreams);
      expect(sent.length).toBeGreaterThanOrEqual(5);
      expect(sent.filter((stream) => !stream.startsWith(namespace))).toEqual([]);
      expect(server.events().filter((e) => e.stream.startsWith('$')).map((e) => e.type)).toEqual(expect.arrayContaining(['$metadata', '$statsCollected']));
    });

    it('gives positions that are the server\'s own: byte offsets, commit == prepare, increasing, not dense', async () => {
      const store = await open();
      const id = `contract-${randomUUID()}`;
      await store.append(id, [event('A'), event('B')], 'no_stream');
      await store.append(id, [event('C')], 1);
      const read = await store.readStream(id);
      const held = server.events().filter((e) => e.stream.endsWith(id));
      expect(read.map((e) => decodePosition(e.position))).toEqual(held.map((e) => e.position));
      const offsets = held.map((e) => e.position.commit);
      for (let i = 1; i < offsets.length; i++) expect(offsets[i]! - offsets[i - 1]!).toBeGreaterThan(1n);
    });

    it('appends the batch again when an `any` retry comes after the node forgot its recent event ids and the stream moved on', async () => {
      // README: with `any`, ESDB only consults an in-memory cache of recent ids. The adapter pins
      // an `any` append to the stream's head (for the hash chain) and finds a batch that IS the
      // head itself; one that other events followed, after a restart, is a fresh write.
      const store = await open();
      const id = `contract-${randomUUID()}`;
      const batch = [event('A')];
      await store.append(id, batch, 'any');
      expect(await store.append(id, batch, 'any')).toMatchObject({ duplicate: true, nextExpectedRevision: 0 });
      server.forgetRecentEventIds();
      expect(await store.append(id, batch, 'any')).toMatchObject({ duplicate: true, nextExpectedRevision: 0 });
      await store.append(id, [event('B')], 0);
      server.forgetRecentEventIds();
      expect(await store.append(id, batch, 'any')).toMatchObject({ duplicate: false, nextExpectedRevision: 2 });
      // An exact expected revision still finds the original in the stream itself.
      expect(await store.append(id, batch, 'no_stream')).toMatchObject({ duplicate: true, nextExpectedRevision: 0 });
    });

    it('reports a subscription the server drops ("consumer too slow") through onError, so its owner can restart it', async () => {
      const store = await open();
      await store.append(`contract-${randomUUID()}`, [event()], 'no_stream');
      const errors: unknown[] = [];
      const subscription = store.subscribe({ onError: (error) => errors.push(error) }, async () => undefined);
      await waitFor(() => server.dropSubscriptions() > 0);
      await subscription.stopped;
      expect(errors).toEqual([expect.objectContaining({ type: 'timeout', message: expect.stringMatching(/Consumer too slow/) })]);
    });
  });
});

if (realServerUrl) {
  describe(realServerTitle, () => {
    adapterSuite(() => realServerUrl);
  });
} else {
  describe.skip(`${realServerTitle} — skipped: ${skipReason}`, () => {
    it('runs the shared EventStore suite and the adapter tests against a real EventStoreDB when EVENTSTORE_URL is set', () => undefined);
  });
}

/** Subscribes from `from`, runs `meanwhile`, and returns what was delivered up to an event of type `last`. */
async function collectLive(
  store: EventStoreDbEventStore,
  from: string,
  last: string,
  meanwhile: () => Promise<void>,
  filter?: { streamPrefixes: string[] },
): Promise<RecordedEvent[]> {
  const seen: RecordedEvent[] = [];
  const done = new Promise<void>((resolve) => {
    const subscription = store.subscribe({ fromPosition: from, filter }, async (e) => {
      seen.push(e);
      if (e.type === last) void subscription.stop().then(resolve);
    });
  });
  await meanwhile();
  await done;
  return seen;
}

async function waitFor(condition: () => boolean, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for a condition');
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}
