import { randomUUID } from 'node:crypto';
import {
  BACKWARDS,
  END,
  EventStoreDBClient,
  FORWARDS,
  NO_STREAM,
  START,
  type AppendExpectedRevision,
  type AllStreamResolvedEvent,
  type Position,
  type ResolvedEvent,
  type StreamingRead,
} from '@eventstore/db-client';
import { assert } from '@escrow/domain';
import {
  IdempotencyConflict,
  WrongExpectedVersion,
  appendBatchSizeMax,
  comparePositions,
  readLimitMax,
  type AppendResult,
  type AppendWatcher,
  type EventFilter,
  type EventStore,
  type EventToAppend,
  type ExpectedRevision,
  type ReadAllOptions,
  type RecordedEvent,
  type SubscribeOptions,
  type Subscription,
} from '../event-store';
import { chainKey, type AuditLog, type ChainedEvent } from '../hash-chain/audit-log';
import { chainHashes, chainLink, contentDigest, genesisHash } from '../hash-chain/canonical';
import { streamHeadsByWalking } from '../hash-chain/verify-chain';
import { AppendSignal } from '../polling-subscription';
import { AppendFeed } from './append-feed';
import { isStreamNotFound, wrongExpectedVersionOf } from './errors';
import { readAllFiltered } from './filtered-read';
import { inReadScope, readScope, serverStreamFilter, storeStreams, type ReadScope, type StoreStreams } from './filters';
import { findEarlierAppend, judgeAcceptedAppend } from './idempotency';
import { appendAttemptOf, chainHashOf, toEventData, toRecordedEvent } from './mapping';
import { decodePosition, encodePosition } from './position';
import { idleSubscription, runSubscription } from './subscription';

/** How far back a refused append looks for its own event ids (see findEarlierAppend). */
export const idempotencyScanEventsMax = 1_000;
/** A filtered read of `$all` may scan far past what it returns (a head position on a quiet store). */
export const readDeadlineMs = 60_000;
/** An `any`/`stream_exists` append pinned to the head it read is retried this often when another writer got there first. */
export const pinnedAppendAttemptsMax = 10;

/**
 * How an append continues its stream's hash chain: the revision ESDB must find (so a concurrent
 * writer cannot slip in between the read of the previous hash and the write), the previous link
 * and the revision of the first event. `pinned`: an `any`/`stream_exists` append turned into an
 * exact revision, retried on a race instead of refused.
 */
type ChainPlan =
  | { readonly answer: AppendResult }
  | { readonly expected: AppendExpectedRevision; readonly previous: Buffer; readonly firstRevision: number; readonly pinned: boolean };

export interface EventStoreDbOptions {
  /** The streams readAll, subscribe, headPosition and the append watcher see. Default: the domain's. */
  readonly streamPrefixes?: readonly string[];
  /**
   * Put before every stream name on the server, and taken off again on the way back. A server
   * cannot be emptied, so each test run gets a namespace of its own and sees only its streams.
   */
  readonly namespace?: string;
  /**
   * Every call goes to the cluster's leader (default true). A follower may answer a read from
   * before a write that the leader already acknowledged: load-decide-append would then decide
   * on stale state (the expected revision still catches it, at the cost of a retry) and a
   * read-your-writes wait could return early.
   */
  readonly requiresLeader?: boolean;
}

/**
 * The EventStore port on EventStoreDB (gRPC client). Streams are ESDB streams of the same name;
 * the global log is `$all`, read through a server-side stream-name filter so that system
 * events never reach us. See README.md beside this file for where ESDB's guarantees differ
 * from the PostgreSQL adapter's.
 */
export class EventStoreDbEventStore implements EventStore {
  private readonly signal = new AppendSignal();
  private readonly feed: AppendFeed;
  private readonly subscriptions = new Set<Subscription>();
  private readonly streams: StoreStreams;
  private readonly requiresLeader: boolean;

  private constructor(
    private readonly client: EventStoreDBClient,
    options: EventStoreDbOptions,
  ) {
    this.streams = storeStreams(options);
    this.requiresLeader = options.requiresLeader ?? true;
    this.feed = new AppendFeed(() => this.openAllSubscription(END, this.ownScope()), this.signal);
  }

  /** `connectionString`: `esdb://host:2113?tls=false`, or `esdb+discover://…` for a cluster. */
  static async connect(connectionString: string, options: EventStoreDbOptions = {}): Promise<EventStoreDbEventStore> {
    const client = EventStoreDBClient.connectionString(connectionString);
    const store = new EventStoreDbEventStore(client, options);
    try {
      // The client connects lazily: fail at start-up, not at the first command, when the server
      // is unreachable or will not let us read $all.
      await collect(client.readAll({ direction: BACKWARDS, fromPosition: END, maxCount: 1, requiresLeader: store.requiresLeader }));
    } catch (error) {
      await client.dispose();
      throw error;
    }
    return store;
  }

  async append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult> {
    assert(events.length > 0, 'append at least one event');
    assert(events.length <= appendBatchSizeMax, `append at most ${appendBatchSizeMax} events at once`);
    assert(new Set(events.map((e) => e.eventId.toLowerCase())).size === events.length, 'event ids within one append are distinct');
    assert(typeof expected !== 'number' || (Number.isSafeInteger(expected) && expected >= 0), 'expected revision is a revision');
    const name = this.streamName(streamId);
    const digests = events.map(({ eventId, type, data, metadata }) => contentDigest({ streamId, eventId, type, data, metadata }));
    for (let attempt = 1; ; attempt++) {
      const plan = await this.chainPlan(streamId, name, events, expected);
      if ('answer' in plan) return plan.answer;
      const hashes = chainHashes(plan.previous, plan.firstRevision, digests);
      const attemptId = randomUUID();
      let revision: bigint;
      try {
        const result = await this.client.appendToStream(name, events.map((event, i) => toEventData(event, attemptId, hashes[i]!.toString('hex'))), {
          expectedRevision: plan.expected,
          requiresLeader: this.requiresLeader,
        });
        revision = result.nextExpectedRevision;
      } catch (error) {
        // Another writer appended after the head this append read: read the new head, chain again.
        if (plan.pinned && attempt < pinnedAppendAttemptsMax && wrongExpectedVersionOf(error, streamId, expected)) continue;
        return this.afterRefusedAppend(error, streamId, events, expected);
      }
      // ESDB answers a retry exactly as it answered the original write: whether this call wrote
      // the events is read off the stored last event's attempt id (see idempotency.ts).
      const [stored] = await this.readRaw(name, { fromRevision: revision, maxCount: 1, direction: FORWARDS });
      assert(stored?.event !== undefined, 'the event ESDB just acknowledged is readable from the leader');
      const { duplicate } = judgeAcceptedAppend({ eventId: stored.event.id, attemptId: appendAttemptOf(stored.event) }, events, attemptId);
      if (!duplicate) this.signal.notify();
      const last = toRecordedEvent(stored, this.streams.namespace);
      return { nextExpectedRevision: last.revision, position: last.position, duplicate };
    }
  }

  /**
   * The previous link comes from the stream's event before the batch, so the append names that
   * event's revision to ESDB: with an exact revision that is the one given; `no_stream` starts
   * from the genesis link; `any` and `stream_exists` read the stream's head and pin the append to
   * it (checking first, as ESDB's own id cache would, whether the batch is that head already).
   */
  private async chainPlan(streamId: string, name: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<ChainPlan> {
    if (expected === 'no_stream') return { expected: NO_STREAM, previous: genesisHash, firstRevision: 0, pinned: false };
    if (typeof expected === 'number') {
      // Absent (the stream is shorter): ESDB refuses the revision, and the genesis link is never written.
      const previous = (await this.linkAt(name, expected)) ?? genesisHash;
      return { expected: BigInt(expected), previous, firstRevision: expected + 1, pinned: false };
    }
    const recent = await this.readRaw(name, { fromRevision: END, maxCount: events.length, direction: BACKWARDS });
    const head = recent[0];
    if (head === undefined) {
      if (expected === 'stream_exists') throw new WrongExpectedVersion(streamId, expected, 'no_stream');
      return { expected: NO_STREAM, previous: genesisHash, firstRevision: 0, pinned: true };
    }
    const earlier = findEarlierAppend(recent.map((resolved) => toRecordedEvent(resolved, this.streams.namespace)), events);
    if (earlier.kind === 'some') throw new IdempotencyConflict(streamId, earlier.eventIds);
    if (earlier.kind === 'all') return { answer: { nextExpectedRevision: earlier.last.revision, position: earlier.last.position, duplicate: true } };
    const headRevision = toRecordedEvent(head, this.streams.namespace).revision;
    const previous = (await this.linkAt(name, headRevision, head)) ?? genesisHash;
    return { expected: BigInt(headRevision), previous, firstRevision: headRevision + 1, pinned: true };
  }

  /**
   * The chain link of the event at `revision`, or null when there is none. An event written
   * before the chain existed carries no hash: its link is computed from the start of the
   * stream (once per stream: the next event appended carries one).
   */
  private async linkAt(name: string, revision: number, known?: ResolvedEvent): Promise<Buffer | null> {
    const event = known ?? (await this.readRaw(name, { fromRevision: BigInt(revision), maxCount: 1, direction: FORWARDS }))[0];
    if (event?.event === undefined) return null;
    const stored = chainHashOf(event.event);
    if (stored !== null) return Buffer.from(stored, 'hex');
    let link: Buffer = genesisHash;
    for (const resolved of await this.readRaw(name, { fromRevision: 0n, maxCount: revision + 1, direction: FORWARDS })) {
      const hash = resolved.event ? chainHashOf(resolved.event) : null;
      const recorded = toRecordedEvent(resolved, this.streams.namespace);
      link = hash !== null ? Buffer.from(hash, 'hex') : chainLink(link, recorded.revision, contentDigest(recorded));
    }
    return link;
  }

  /** The raw log (never upcast) with each event's chain hash, for verification and anchors. */
  auditLog(): AuditLog {
    return {
      readChain: async (options) => {
        const resolved = await this.readAllResolved({ fromPosition: options.fromPosition ?? null, limit: options.limit });
        return resolved.map((event): ChainedEvent => {
          const recorded = toRecordedEvent(event, this.streams.namespace);
          return { ...recorded, hash: chainHashOf(eventOf(event)) };
        });
      },
      storedHashes: async (keys) => {
        const found = new Map<string, string | null>();
        for (const key of keys) {
          const [event] = await this.readRaw(this.streamName(key.streamId), { fromRevision: BigInt(key.revision), maxCount: 1, direction: FORWARDS });
          if (event?.event !== undefined && Number(event.event.revision) === key.revision) found.set(chainKey(key.streamId, key.revision), chainHashOf(event.event));
        }
        return found;
      },
      headPosition: () => this.headPosition(),
      // ESDB keeps no list of streams with their heads that a filtered read could give: walk $all.
      streamHeads: (position) => streamHeadsByWalking(this.auditLog(), position),
    };
  }

  /** WrongExpectedVersion, unless the batch (or part of it) is in the stream already. */
  private async afterRefusedAppend(
    error: unknown,
    streamId: string,
    events: readonly EventToAppend[],
    expected: ExpectedRevision,
  ): Promise<AppendResult> {
    const wrongVersion = wrongExpectedVersionOf(error, streamId, expected);
    if (!wrongVersion) throw error;
    const recent = await this.readRaw(this.streamName(streamId), { fromRevision: END, maxCount: idempotencyScanEventsMax, direction: BACKWARDS });
    const earlier = findEarlierAppend(recent.map((resolved) => toRecordedEvent(resolved, this.streams.namespace)), events);
    switch (earlier.kind) {
      case 'none':
        throw wrongVersion;
      case 'some':
        throw new IdempotencyConflict(streamId, earlier.eventIds);
      case 'all':
        return { nextExpectedRevision: earlier.last.revision, position: earlier.last.position, duplicate: true };
    }
  }

  async readStream(streamId: string, options: { fromRevision?: number; toRevision?: number } = {}): Promise<RecordedEvent[]> {
    const from = options.fromRevision ?? 0;
    const to = options.toRevision ?? Number.MAX_SAFE_INTEGER;
    assert(Number.isSafeInteger(from) && from >= 0 && Number.isSafeInteger(to), 'stream revisions are non-negative integers');
    if (to < from) return [];
    const read = await this.readRaw(this.streamName(streamId), { fromRevision: BigInt(from), maxCount: to - from + 1, direction: FORWARDS });
    return read.map((resolved) => toRecordedEvent(resolved, this.streams.namespace));
  }

  async readAll(options: ReadAllOptions): Promise<RecordedEvent[]> {
    return (await this.readAllResolved(options)).map((resolved) => toRecordedEvent(resolved, this.streams.namespace));
  }

  private async readAllResolved(options: ReadAllOptions): Promise<AllStreamResolvedEvent[]> {
    assert(options.limit > 0 && options.limit <= readLimitMax, `read between 1 and ${readLimitMax} events`);
    const scope = this.scope(options.filter);
    if (!scope) return [];
    const after = options.fromPosition ?? null;
    let cursor: Position | typeof START = after ? decodePosition(after) : START;
    let last = after;
    const found: AllStreamResolvedEvent[] = [];
    // One page when the server's filter is the whole filter; more while event types, checked
    // here, leave the page short of `limit`. The server reads from `cursor` inclusive: one more.
    for (;;) {
      const pageSize = options.limit + 1;
      const page = await readAllFiltered(this.client, {
        from: cursor,
        direction: FORWARDS,
        maxCount: pageSize,
        prefixes: scope.serverPrefixes,
        requiresLeader: this.requiresLeader,
        deadlineMs: readDeadlineMs,
      });
      for (const resolved of page) {
        const event = eventOf(resolved);
        const position = encodePosition(event.position);
        if (comparePositions(position, last) <= 0) continue;
        last = position;
        if (inReadScope(scope, event.streamId, event.type)) found.push(resolved);
        if (found.length === options.limit) return found;
      }
      const tail = page.at(-1);
      if (page.length < pageSize || tail === undefined) return found;
      cursor = eventOf(tail).position;
    }
  }

  subscribe(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Subscription {
    const scope = this.scope(options.filter);
    const subscription = scope
      ? runSubscription(
          // From a position, the server is asked for all of this store's streams and the caller's
          // narrower filter is applied here: a 23.10 server starts a filtered subscription after
          // the first event at or past the position that passes ITS filter, so when the event at
          // the position is outside the narrow filter the next matching one would be lost.
          () =>
            options.fromPosition
              ? this.openAllSubscription(decodePosition(options.fromPosition), this.ownScope())
              : this.openAllSubscription(START, scope),
          (resolved) => encodePosition(eventOf(resolved).position),
          (resolved) => {
            const event = eventOf(resolved);
            return inReadScope(scope, event.streamId, event.type) ? toRecordedEvent(resolved, this.streams.namespace) : null;
          },
          options,
          handler,
        )
      : idleSubscription();
    this.subscriptions.add(subscription);
    const forget = () => this.subscriptions.delete(subscription);
    subscription.stopped.then(forget, forget);
    return subscription;
  }

  appendWatcher(): AppendWatcher {
    this.feed.ensureOpen();
    return this.signal.watcher();
  }

  async headPosition(): Promise<string | null> {
    const [last] = await readAllFiltered(this.client, {
      from: 'end',
      direction: BACKWARDS,
      maxCount: 1,
      prefixes: this.ownScope().serverPrefixes,
      requiresLeader: this.requiresLeader,
      deadlineMs: readDeadlineMs,
    });
    return last ? encodePosition(eventOf(last).position) : null;
  }

  /** EventStoreDB makes an event readable when it commits: the head is the committed head. */
  committedHeadPosition(): Promise<string | null> {
    return this.headPosition();
  }

  async close(): Promise<void> {
    // Disposing the client cancels every gRPC stream, and the client swallows its own
    // cancellations: a subscription still open then would never report that it stopped.
    await Promise.all([...this.subscriptions].map((subscription) => subscription.stop()));
    await this.feed.close();
    this.signal.notify();
    await this.client.dispose();
  }

  /** Null when the filter asks only for streams outside this store. */
  private scope(filter: EventFilter | undefined): ReadScope | null {
    return readScope(this.streams, filter);
  }

  /** All of this store's streams. */
  private ownScope(): ReadScope {
    const scope = readScope(this.streams);
    assert(scope !== null, 'a store reads its own streams');
    return scope;
  }

  private openAllSubscription(from: Position | typeof START | typeof END, scope: ReadScope) {
    return this.client.subscribeToAll({ fromPosition: from, filter: serverStreamFilter(scope), requiresLeader: this.requiresLeader });
  }

  private streamName(streamId: string): string {
    assert(streamId.length > 0 && !streamId.startsWith('$'), 'a stream id is not empty and not a system stream');
    return `${this.streams.namespace}${streamId}`;
  }

  private async readRaw(
    name: string,
    options: { fromRevision: bigint | typeof END; maxCount: number; direction: typeof FORWARDS | typeof BACKWARDS },
  ): Promise<ResolvedEvent[]> {
    try {
      return await collect(this.client.readStream(name, { ...options, requiresLeader: this.requiresLeader }));
    } catch (error) {
      if (isStreamNotFound(error)) return [];
      throw error;
    }
  }
}

function eventOf(resolved: AllStreamResolvedEvent) {
  assert(resolved.event !== undefined, 'a resolved event carries its event (links are never resolved here)');
  return resolved.event;
}

async function collect<E>(read: StreamingRead<E>): Promise<E[]> {
  const events: E[] = [];
  for await (const event of read) events.push(event);
  return events;
}
