import { randomBytes, randomUUID } from 'node:crypto';
import { eventStoreContract } from '../event-store.contract';
import type { EventToAppend } from '../event-store';
import { EventStoreDbEventStore, type EventStoreDbOptions } from './eventstoredb-event-store';

/**
 * Runs against a real EventStoreDB when EVENTSTORE_URL is set (esdb://localhost:2113?tls=false).
 * A server cannot be emptied between tests, so every store opened here gets a namespace of its
 * own: it writes `<namespace><stream>` and reads back only its namespace's streams, which to it
 * is a fresh, empty store.
 */
const eventStoreUrl = process.env.EVENTSTORE_URL;
const skipReason = 'EVENTSTORE_URL is not set';

const freshNamespace = () => `test-${randomBytes(6).toString('hex')}/`;
const openStore = (options: EventStoreDbOptions = {}) =>
  EventStoreDbEventStore.connect(eventStoreUrl!, { namespace: freshNamespace(), ...options });
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

if (eventStoreUrl) {
  describe('EventStoreDbEventStore contract', () => {
    eventStoreContract(
      async () => {
        const store = await openStore();
        return { store, dispose: () => store.close() };
      },
      { globalEventIds: false },
    );
  });

  describe('EventStoreDbEventStore on EventStoreDB', () => {
    const opened: EventStoreDbEventStore[] = [];
    const open = async (options?: EventStoreDbOptions) => {
      const store = await openStore(options);
      opened.push(store);
      return store;
    };
    afterEach(async () => {
      await Promise.all(opened.splice(0).map((store) => store.close()));
    });

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
} else {
  console.info(`EventStoreDbEventStore: contract and integration tests skipped: ${skipReason} (set it to e.g. esdb://localhost:2113?tls=false)`);
  describe.skip(`EventStoreDbEventStore contract — skipped: ${skipReason}`, () => {
    it('runs the shared EventStore contract against a real EventStoreDB when EVENTSTORE_URL is set', () => undefined);
  });
}
