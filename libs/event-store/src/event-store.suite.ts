import { randomUUID } from 'node:crypto';
import {
  IdempotencyConflict,
  WrongExpectedVersion,
  comparePositions,
  type EventStore,
  type EventToAppend,
  type RecordedEvent,
} from './event-store';
import type { AuditLog } from './hash-chain/audit-log';
import { chainLink, contentDigest, genesisHash } from './hash-chain/canonical';
import { currentAnchor, verifyChain } from './hash-chain/verify-chain';

/**
 * The behaviour every EventStore adapter must have. Each adapter's spec calls this with a
 * factory that gives a fresh, empty store.
 */
export interface EventStoreTraits {
  /**
   * Event ids are unique across the whole log (PostgreSQL: a unique index). EventStoreDB only
   * knows ids per stream, so the same id in another stream is a new event there.
   */
  readonly globalEventIds: boolean;
  /** Events can be edited or deleted in place (with SQL): the suite then checks verify catches it. */
  readonly tampering: boolean;
}

/** Changes made behind the store's back, as someone with write access to its storage could. */
export interface StoreTampering {
  /** Changes one byte of the stored event's data (`{"n":1}` becomes `{"n":2}`). */
  editData(streamId: string, revision: number): Promise<void>;
  deleteEvent(streamId: string, revision: number): Promise<void>;
}

export interface OpenedStore {
  readonly store: EventStore;
  /** The raw log with its chain hashes (the adapter's `auditLog()`). */
  readonly audit: AuditLog;
  /** Absent for stores whose events cannot be changed in place. */
  readonly tamper?: StoreTampering;
  dispose(): Promise<void>;
}

/**
 * The audit log, read only once every event committed before the read is readable: on a shared
 * PostgreSQL a commit becomes readable when older transactions elsewhere on the server end, and
 * a verify that ran before that would check fewer events than the test appended.
 */
export function onceCommittedReadable(log: AuditLog, store: Pick<EventStore, 'headPosition' | 'committedHeadPosition'>): AuditLog {
  async function committedReadable(): Promise<void> {
    const committed = await store.committedHeadPosition();
    for (let tries = 0; committed !== null && tries < 1_000; tries++) {
      const readable = await store.headPosition();
      if (readable !== null && comparePositions(readable, committed) >= 0) return;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }
  return {
    readChain: async (options) => (await committedReadable(), log.readChain(options)),
    headPosition: async () => (await committedReadable(), log.headPosition()),
    storedHashes: (keys) => log.storedHashes(keys),
    streamHeads: (position) => log.streamHeads(position),
  };
}

export function eventStoreSuite(openStore: () => Promise<OpenedStore>, traits: EventStoreTraits = { globalEventIds: true, tampering: true }) {
  let store: EventStore;
  let audit: AuditLog;
  let tamper: StoreTampering | undefined;
  let dispose: () => Promise<void>;

  beforeEach(async () => {
    ({ store, audit, tamper, dispose } = await openStore());
    audit = onceCommittedReadable(audit, store);
  });
  afterEach(async () => {
    await dispose();
  });

  const event = (type = 'Happened', data: unknown = { n: 1 }): EventToAppend => ({
    eventId: randomUUID(),
    type,
    data,
    metadata: { correlationId: 'c-1' },
  });
  const stream = () => `contract-${randomUUID()}`;

  /**
   * The whole log, up to every event committed before the call. On PostgreSQL a commit becomes
   * readable only once every older transaction of the server has ended, and other suites run
   * transactions on the same server at the same time, so an empty page may only mean "not yet".
   */
  async function readEverything(): Promise<RecordedEvent[]> {
    const head = await store.committedHeadPosition();
    const all: RecordedEvent[] = [];
    for (;;) {
      const last = all.at(-1)?.position ?? null;
      const page = await store.readAll({ fromPosition: last, limit: 1000 });
      all.push(...page);
      if (page.length > 0) continue;
      if (head === null || (last !== null && comparePositions(last, head) >= 0)) return all;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
  }

  it('appends to a new stream and reads it back with revisions from 0', async () => {
    const id = stream();
    const events = [event('A', { a: 1 }), event('B', { b: [1, 2] })];
    const result = await store.append(id, events, 'no_stream');
    expect(result).toMatchObject({ nextExpectedRevision: 1, duplicate: false });

    const read = await store.readStream(id);
    expect(read.map((e) => [e.type, e.revision, e.eventId, e.data])).toEqual([
      ['A', 0, events[0]!.eventId, { a: 1 }],
      ['B', 1, events[1]!.eventId, { b: [1, 2] }],
    ]);
    expect(read[0]!.metadata).toEqual({ correlationId: 'c-1' });
    expect(read[1]!.position).toBe(result.position);
    expect(comparePositions(read[0]!.position, read[1]!.position)).toBe(-1);
  });

  it('reads a stream from and to a revision', async () => {
    const id = stream();
    await store.append(id, [event('A'), event('B'), event('C'), event('D')], 'no_stream');
    const middle = await store.readStream(id, { fromRevision: 1, toRevision: 2 });
    expect(middle.map((e) => e.type)).toEqual(['B', 'C']);
    expect(await store.readStream(stream())).toEqual([]);
  });

  it('reads a long stream in revision order (numerically: 2 before 10)', async () => {
    const id = stream();
    for (let n = 0; n < 25; n++) await store.append(id, [event('N', { n })], n === 0 ? 'no_stream' : n - 1);
    const read = await store.readStream(id);
    expect(read.map((e) => e.revision)).toEqual(Array.from({ length: 25 }, (_, n) => n));
    expect(read.map((e) => (e.data as { n: number }).n)).toEqual(Array.from({ length: 25 }, (_, n) => n));
  });

  it('refuses a wrong expected revision with WrongExpectedVersion naming the actual one', async () => {
    const id = stream();
    await store.append(id, [event(), event()], 'no_stream');
    await expect(store.append(id, [event()], 0)).rejects.toMatchObject({
      name: 'WrongExpectedVersion',
      streamId: id,
      expected: 0,
      actual: 1,
    });
    await expect(store.append(id, [event()], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedVersion);
    await expect(store.append(stream(), [event()], 'stream_exists')).rejects.toMatchObject({ actual: 'no_stream' });
    await expect(store.append(stream(), [event()], 3)).rejects.toBeInstanceOf(WrongExpectedVersion);
    expect(await store.readStream(id)).toHaveLength(2);
  });

  it('appends with the right expected revision, stream_exists and any', async () => {
    const id = stream();
    await store.append(id, [event()], 'any');
    expect((await store.append(id, [event()], 0)).nextExpectedRevision).toBe(1);
    expect((await store.append(id, [event()], 'stream_exists')).nextExpectedRevision).toBe(2);
    expect((await store.append(id, [event(), event()], 'any')).nextExpectedRevision).toBe(4);
    expect((await store.readStream(id)).map((e) => e.revision)).toEqual([0, 1, 2, 3, 4]);
  });

  it('treats appending the same event ids again as a no-op that answers like the first append', async () => {
    const id = stream();
    const batch = [event('A'), event('B')];
    const first = await store.append(id, batch, 'no_stream');
    const retry = await store.append(id, batch, 'no_stream');
    expect(retry).toEqual({ ...first, duplicate: true });
    const retryAny = await store.append(id, batch, 'any');
    expect(retryAny.duplicate).toBe(true);
    expect(await store.readStream(id)).toHaveLength(2);
    expect(await readEverything()).toHaveLength(2);
  });

  it('refuses a batch that repeats only some event ids', async () => {
    const id = stream();
    const [a, b] = [event('A'), event('B')];
    await store.append(id, [a], 'no_stream');
    await expect(store.append(id, [a, b], 'any')).rejects.toBeInstanceOf(IdempotencyConflict);
    expect(await readEverything()).toHaveLength(1);
  });

  (traits.globalEventIds ? it : it.skip)('refuses an event id used in another stream', async () => {
    const a = event('A');
    await store.append(stream(), [a], 'no_stream');
    await expect(store.append(stream(), [a], 'any')).rejects.toBeInstanceOf(IdempotencyConflict);
    expect(await readEverything()).toHaveLength(1);
  });

  it('lets exactly one of two writers racing for the same revision win', async () => {
    const id = stream();
    await store.append(id, [event()], 'no_stream');
    const outcomes = await Promise.allSettled([store.append(id, [event('X')], 0), store.append(id, [event('Y')], 0)]);
    expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
    const rejected = outcomes.filter((o): o is PromiseRejectedResult => o.status === 'rejected');
    expect(rejected).toHaveLength(1);
    expect(rejected[0]!.reason).toBeInstanceOf(WrongExpectedVersion);
    expect(await store.readStream(id)).toHaveLength(2);
  });

  it('lets exactly one of two writers creating the same stream win', async () => {
    const id = stream();
    const outcomes = await Promise.allSettled([
      store.append(id, [event('X')], 'no_stream'),
      store.append(id, [event('Y')], 'no_stream'),
    ]);
    expect(outcomes.map((o) => o.status).sort()).toEqual(['fulfilled', 'rejected']);
    expect(await store.readStream(id)).toHaveLength(1);
  });

  it('reads the whole log in pages, exclusive of the position given, with filters', async () => {
    const [c1, c2] = [stream(), stream()];
    await store.append(c1, [event('A'), event('B')], 'no_stream');
    await store.append(`employer-${randomUUID()}`, [event('E')], 'no_stream');
    await store.append(c2, [event('C')], 'no_stream');

    const all = await readEverything();
    expect(all.map((e) => e.type)).toEqual(['A', 'B', 'E', 'C']);
    const afterFirst = await store.readAll({ fromPosition: all[0]!.position, limit: 2 });
    expect(afterFirst.map((e) => e.type)).toEqual(['B', 'E']);
    const contractsOnly = await store.readAll({ limit: 10, filter: { streamPrefixes: ['contract-'] } });
    expect(contractsOnly.map((e) => e.type)).toEqual(['A', 'B', 'C']);
    const typed = await store.readAll({ limit: 10, filter: { eventTypes: ['B', 'E'] } });
    expect(typed.map((e) => e.type)).toEqual(['B', 'E']);
    expect(await store.headPosition()).toBe(all[3]!.position);
  });

  it('answers a null head position for an empty log', async () => {
    expect(await store.headPosition()).toBeNull();
    expect(await store.committedHeadPosition()).toBeNull();
  });

  it('never puts a position an append returned beyond the committed head', async () => {
    const first = await store.append(stream(), [event('A')], 'no_stream');
    const second = await store.append(stream(), [event('B'), event('C')], 'no_stream');
    const head = await store.committedHeadPosition();
    expect(head).toBe(second.position);
    expect(comparePositions(first.position, head)).toBeLessThan(0);
  });

  it('subscribes from a position: catch-up then live, exclusive of that position', async () => {
    const id = stream();
    const first = await store.append(id, [event('A')], 'no_stream');
    await store.append(id, [event('B')], 0);
    const seen: string[] = [];
    let resolveC: () => void;
    const sawC = new Promise<void>((resolve) => (resolveC = resolve));
    const subscription = store.subscribe({ fromPosition: first.position }, async (e) => {
      seen.push(e.type);
      if (e.type === 'C') resolveC();
    });
    await store.append(id, [event('C')], 1);
    await sawC;
    await subscription.stop();
    expect(seen).toEqual(['B', 'C']);
  });

  it('stops a subscription whose handler throws and reports the error', async () => {
    await store.append(stream(), [event('A')], 'no_stream');
    const errors: unknown[] = [];
    const subscription = store.subscribe({ onError: (e) => errors.push(e) }, async () => {
      throw new Error('handler broke');
    });
    await subscription.stopped;
    expect(errors).toEqual([new Error('handler broke')]);
  });

  const writers = 8;
  const appendsPerWriter = 500;
  it(`shows a live subscriber every event exactly once, in log order, with ${writers} concurrent writers × ${appendsPerWriter} appends`, async () => {
    const total = writers * appendsPerWriter;
    const seen: RecordedEvent[] = [];
    let resolveAll: () => void;
    const sawAll = new Promise<void>((resolve) => (resolveAll = resolve));
    const subscription = store.subscribe({}, async (e) => {
      seen.push(e);
      if (seen.length === total) resolveAll();
    });

    await Promise.all(
      Array.from({ length: writers }, async (_, writer) => {
        const id = `contract-writer-${writer}-${randomUUID()}`;
        for (let n = 0; n < appendsPerWriter; n++) {
          await store.append(id, [event('Counted', { writer, n })], n === 0 ? 'no_stream' : n - 1);
        }
      }),
    );
    await sawAll;
    await subscription.stop();

    const log = await readEverything();
    expect(log).toHaveLength(total);
    expect(seen.map((e) => e.eventId)).toEqual(log.map((e) => e.eventId));
    expect(new Set(seen.map((e) => e.eventId)).size).toBe(total);
    for (let i = 1; i < seen.length; i++) expect(comparePositions(seen[i - 1]!.position, seen[i]!.position)).toBe(-1);
    for (let writer = 0; writer < writers; writer++) {
      const own = seen.filter((e) => (e.data as { writer: number }).writer === writer).map((e) => (e.data as { n: number }).n);
      expect(own).toEqual(Array.from({ length: appendsPerWriter }, (_, n) => n));
    }
  });

  describe('concurrent appends', () => {
    // Every call below is made before any is awaited. On a store that commits appends in groups
    // (PostgreSQL), the first one goes out alone and the rest queue behind it, so they are sent
    // together as one group: each assertion then holds within one transaction.
    const lead = () => store.append(stream(), [event('Lead')], 'no_stream');

    it('gives each of many concurrent appends to different streams its own revisions and position, and the log every event once', async () => {
      const streams = Array.from({ length: 24 }, stream);
      const first = await Promise.all(streams.map((id) => store.append(id, [event('First')], 'no_stream')));
      const second = await Promise.all(streams.map((id) => store.append(id, [event('Second'), event('Third')], 0)));
      expect(first.map((r) => [r.nextExpectedRevision, r.duplicate])).toEqual(streams.map(() => [0, false]));
      expect(second.map((r) => [r.nextExpectedRevision, r.duplicate])).toEqual(streams.map(() => [2, false]));

      const log = await readEverything();
      expect(log).toHaveLength(streams.length * 3);
      for (let i = 1; i < log.length; i++) expect(comparePositions(log[i - 1]!.position, log[i]!.position)).toBe(-1);
      const positionOf = new Map(log.map((e) => [`${e.streamId}/${e.revision}`, e.position]));
      streams.forEach((id, i) => {
        expect(first[i]!.position).toBe(positionOf.get(`${id}/0`));
        expect(second[i]!.position).toBe(positionOf.get(`${id}/2`));
      });
      for (const id of streams) expect((await store.readStream(id)).map((e) => [e.revision, e.type])).toEqual([[0, 'First'], [1, 'Second'], [2, 'Third']]);
      // Gap-free: paging through the log from any event's position gives exactly the events after it.
      const fromMiddle = await store.readAll({ fromPosition: log[30]!.position, limit: 1000 });
      expect(fromMiddle.map((e) => e.eventId)).toEqual(log.slice(31).map((e) => e.eventId));
    });

    it('refuses only the appends with a wrong expected revision among concurrent ones, each naming its actual revision', async () => {
      const [a, b, c, missing] = [stream(), stream(), stream(), stream()];
      await Promise.all([a, b, c].map((id) => store.append(id, [event()], 'no_stream')));
      const outcomes = await Promise.allSettled([
        lead(),
        store.append(a, [event()], 0),
        store.append(b, [event()], 5),
        store.append(c, [event()], 'stream_exists'),
        store.append(missing, [event()], 'stream_exists'),
      ]);
      expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'rejected']);
      const reasons = outcomes.flatMap((o) => (o.status === 'rejected' ? [o.reason] : []));
      expect(reasons[0]).toBeInstanceOf(WrongExpectedVersion);
      expect(reasons[0]).toMatchObject({ streamId: b, expected: 5, actual: 0 });
      expect(reasons[1]).toMatchObject({ name: 'WrongExpectedVersion', streamId: missing, expected: 'stream_exists', actual: 'no_stream' });
      expect((outcomes[1] as PromiseFulfilledResult<{ nextExpectedRevision: number }>).value.nextExpectedRevision).toBe(1);
      expect(await store.readStream(a)).toHaveLength(2);
      expect(await store.readStream(b)).toHaveLength(1);
      expect(await store.readStream(c)).toHaveLength(2);
      expect(await store.readStream(missing)).toEqual([]);
      expect(await verifyChain(audit)).toMatchObject({ ok: true, checked: 6 });
    });

    it('lets exactly one of two concurrent appends with the same expected revision win, among other appends', async () => {
      const id = stream();
      await store.append(id, [event()], 'no_stream');
      const outcomes = await Promise.allSettled([lead(), store.append(id, [event('X')], 0), store.append(id, [event('Y')], 0), lead()]);
      const racing = outcomes.slice(1, 3);
      expect(racing.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
      const lost = racing.find((o): o is PromiseRejectedResult => o.status === 'rejected')!;
      expect(lost.reason).toBeInstanceOf(WrongExpectedVersion);
      expect(lost.reason).toMatchObject({ expected: 0, actual: 1 });
      expect(outcomes[0]!.status).toBe('fulfilled');
      expect(outcomes[3]!.status).toBe('fulfilled');
      expect((await store.readStream(id)).map((e) => e.revision)).toEqual([0, 1]);
      expect(await verifyChain(audit)).toMatchObject({ ok: true, checked: 4 });
    });

    it('answers a repeated append among concurrent ones as a duplicate, writing nothing twice', async () => {
      const id = stream();
      const batch = [event('A'), event('B')];
      const first = await store.append(id, batch, 'no_stream');
      const [, again, againAny] = await Promise.all([lead(), store.append(id, batch, 'no_stream'), store.append(id, batch, 'any'), lead()]);
      expect(again).toEqual({ ...first, duplicate: true });
      expect(againAny).toEqual({ ...first, duplicate: true });

      // The same new batch twice at once: written once, the other call answered as its duplicate.
      const other = stream();
      const fresh = [event('C')];
      const both = await Promise.all([lead(), store.append(other, fresh, 'no_stream'), store.append(other, fresh, 'no_stream')]);
      expect(both.slice(1).map((r) => r.duplicate).sort()).toEqual([false, true]);
      expect(both[1]!.position).toBe(both[2]!.position);
      expect(await store.readStream(other)).toHaveLength(1);
      expect(await readEverything()).toHaveLength(2 + 2 + 1 + 1);
      expect(await verifyChain(audit)).toMatchObject({ ok: true, checked: 6 });
    });

    it('keeps every stream\'s chain verifiable when many appends to the same streams run at once', async () => {
      const streams = [stream(), stream(), stream()];
      await Promise.all(streams.map((id) => store.append(id, [event('Start')], 'no_stream')));
      const sizes = Array.from({ length: 30 }, (_, i) => 1 + (i % 3));
      const results = await Promise.all(sizes.map((size, i) => store.append(streams[i % 3]!, Array.from({ length: size }, () => event('Raced', { i })), 'any')));
      expect(results.every((r) => !r.duplicate)).toBe(true);
      for (const id of streams) {
        const read = await store.readStream(id);
        expect(read.map((e) => e.revision)).toEqual(Array.from({ length: read.length }, (_, n) => n));
      }
      const total = 3 + sizes.reduce((sum, n) => sum + n, 0);
      expect(await readEverything()).toHaveLength(total);
      expect(await verifyChain(audit)).toMatchObject({ ok: true, checked: total, brokenLink: null });
    });
  });

  describe('hash chain', () => {
    const n = (value: number) => event('Counted', { n: value });

    it('chains every appended event per stream, whatever the expected revision, and verifies', async () => {
      const [a, b] = [stream(), stream()];
      await store.append(a, [n(1), n(2)], 'no_stream');
      await store.append(b, [n(1)], 'any');
      await store.append(a, [n(3)], 1);
      await store.append(b, [n(2), n(3), n(4)], 'stream_exists');
      await store.append(a, [n(4)], 'any');
      const report = await verifyChain(audit);
      expect(report).toMatchObject({ ok: true, checked: 8, brokenLink: null, anchor: null });

      // The stored hashes are the formula's, link by link (genesis = 32 zero bytes).
      const chain = (await audit.readChain({ limit: 100 })).filter((e) => e.streamId === a);
      let previous = genesisHash;
      for (const stored of chain) {
        previous = chainLink(previous, stored.revision, contentDigest(stored));
        expect(stored.hash).toBe(previous.toString('hex'));
      }
      expect(chain.map((e) => e.revision)).toEqual([0, 1, 2, 3]);
    });

    it('keeps one unbroken chain when writers race on one stream', async () => {
      const id = stream();
      await store.append(id, [n(0)], 'no_stream');
      await Promise.all(
        Array.from({ length: 4 }, async (_, writer) => {
          for (let i = 0; i < 5; i++) await store.append(id, [event('Raced', { writer, i })], 'any');
        }),
      );
      expect(await store.readStream(id)).toHaveLength(21);
      expect(await verifyChain(audit)).toMatchObject({ ok: true, checked: 21 });
    });

    it('checks a range: after `from`, up to and including `to`, trusting the links before it', async () => {
      const [a, b] = [stream(), stream()];
      const positions: string[] = [];
      for (let i = 0; i < 6; i++) positions.push((await store.append(i % 2 ? b : a, [n(i)], i < 2 ? 'no_stream' : Math.floor(i / 2) - 1)).position);
      expect(await verifyChain(audit, { from: positions[1], to: positions[4] })).toMatchObject({ ok: true, checked: 3, lastPosition: positions[4] });
      expect(await verifyChain(audit, { from: positions[5] })).toMatchObject({ ok: true, checked: 0, lastPosition: null });
    });

    it('answers an anchor that a later verify proves, also after more appends, and that an empty log has none', async () => {
      expect(await currentAnchor(audit)).toBeNull();
      const id = stream();
      await store.append(id, [n(1), n(2)], 'no_stream');
      await store.append(stream(), [n(1)], 'no_stream');
      const anchor = await currentAnchor(audit);
      expect(anchor).toMatchObject({ position: await store.headPosition(), streams: 2, hash: expect.stringMatching(/^[0-9a-f]{64}$/) });
      await store.append(id, [n(3)], 1);
      await store.append(stream(), [n(1)], 'no_stream');
      const report = await verifyChain(audit, { anchor: anchor! });
      expect(report).toMatchObject({ ok: true, checked: 5, anchor: { matches: true, found: anchor!.hash } });
      expect((await currentAnchor(audit))!.hash).not.toBe(anchor!.hash);
      const forged = await verifyChain(audit, { anchor: { position: anchor!.position, hash: 'f'.repeat(64) } });
      expect(forged).toMatchObject({ ok: false, brokenLink: null, anchor: { matches: false, found: anchor!.hash } });
    });

    (traits.tampering ? it : it.skip)('reports an event whose data was edited by one byte at exactly its position, expected vs found', async () => {
      const [a, b] = [stream(), stream()];
      await store.append(a, [n(1), n(2)], 'no_stream');
      await store.append(b, [n(1)], 'no_stream');
      await store.append(a, [n(3), n(4)], 1);
      const before = await audit.readChain({ limit: 100 });
      const target = before.find((e) => e.streamId === a && e.revision === 2)!;
      await tamper!.editData(a, 2);

      const report = await verifyChain(audit);
      expect(report.ok).toBe(false);
      expect(report.checked).toBe(3);
      expect(report.brokenLink).toMatchObject({ position: target.position, streamId: a, revision: 2, eventId: target.eventId, found: target.hash });
      const previous = Buffer.from(before.find((e) => e.streamId === a && e.revision === 1)!.hash!, 'hex');
      const edited = { ...target, data: { n: 2 } };
      expect(report.brokenLink!.expected).toBe(chainLink(previous, 2, contentDigest(edited)).toString('hex'));
      expect(report.brokenLink!.expected).not.toBe(report.brokenLink!.found);
    });

    (traits.tampering ? it : it.skip)('reports a deleted event at the next event of its stream, and a deleted stream head against an anchor', async () => {
      const [a, b] = [stream(), stream()];
      await store.append(a, [n(1), n(2), n(3)], 'no_stream');
      await store.append(b, [n(1), n(2)], 'no_stream');
      const anchor = (await currentAnchor(audit))!;
      const log = await audit.readChain({ limit: 100 });

      await tamper!.deleteEvent(b, 1);
      expect(await verifyChain(audit)).toMatchObject({ ok: true, checked: 4 });
      const againstAnchor = await verifyChain(audit, { anchor });
      expect(againstAnchor).toMatchObject({ ok: false, brokenLink: null, anchor: { matches: false } });

      await tamper!.deleteEvent(a, 1);
      const report = await verifyChain(audit);
      const next = log.find((e) => e.streamId === a && e.revision === 2)!;
      expect(report).toMatchObject({ ok: false, checked: 1, brokenLink: { position: next.position, streamId: a, revision: 2, found: next.hash } });
      expect(report.brokenLink!.problem).toMatch(/revision 2 follows revision 0.*1 event\(s\) missing/);
    });
  });
}
