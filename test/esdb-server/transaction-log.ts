import { comparePositions, positionOfRecord, prepareRecordSize, type LogPosition } from './log-position';
import { RecentEventIds } from './recent-event-ids';

/** An event as an append proposes it. */
export interface ProposedEvent {
  readonly eventId: string;
  readonly eventType: string;
  readonly isJson: boolean;
  readonly data: Uint8Array;
  readonly metadata: Uint8Array;
}

/** An event in the log: a self-committed prepare record at `offset`. */
export interface LoggedEvent extends ProposedEvent {
  readonly offset: bigint;
  /** Where the next record begins (the server's RecordPostPosition). */
  readonly endOffset: bigint;
  readonly stream: string;
  readonly revision: number;
  /** 100 ns ticks since the Unix epoch, as the server sends `created`. */
  readonly createdTicks: bigint;
  /** Index in the log's event order. */
  readonly sequence: number;
}

export interface TransactionLogOptions {
  /** 0: events are readable as soon as written. More: a gap in which the writer is ahead of readers. */
  readonly indexDelayMs: number;
  readonly recentEventIdsMax: number;
}

/**
 * A new database starts with an epoch record, which is not an event: the first event is not at 0.
 * The size is that of a v2 epoch record with its framing; only "not zero" matters.
 */
const epochRecordBytes = 129n;
const ticksPerMillisecond = 10_000n;

/**
 * The transaction log and its index, in memory. The writer appends records at growing byte
 * offsets; readers (stream reads, `$all` reads, subscriptions) see events only once indexed,
 * as on the server, where an append is acknowledged after its events are indexed.
 */
export class TransactionLog {
  readonly recentEventIds: RecentEventIds;
  private readonly events: LoggedEvent[] = [];
  private readonly streams = new Map<string, LoggedEvent[]>();
  private readonly recordOffsets = new Set<bigint>();
  private readonly indexedListeners = new Set<() => void>();
  private readonly indexWaiters = new Set<{ readonly sequence: number; readonly resolve: () => void }>();
  private writerOffset = 0n;
  private indexed = 0;
  private indexTimer: NodeJS.Timeout | null = null;

  constructor(private readonly options: TransactionLogOptions) {
    this.recentEventIds = new RecentEventIds(options.recentEventIdsMax);
    this.recordOffsets.add(this.writerOffset);
    this.writerOffset += epochRecordBytes;
  }

  /** Appends the events to `stream` at its next revisions, in one go. The caller checked the commit. */
  write(stream: string, proposed: readonly ProposedEvent[]): LoggedEvent[] {
    const list = this.streams.get(stream) ?? [];
    this.streams.set(stream, list);
    const createdTicks = BigInt(Date.now()) * ticksPerMillisecond;
    const written = proposed.map((event) => {
      const offset = this.writerOffset;
      const endOffset = offset + prepareRecordSize(stream, event.eventType, event.data, event.metadata);
      const logged: LoggedEvent = { ...event, offset, endOffset, stream, revision: list.length, createdTicks, sequence: this.events.length };
      this.recordOffsets.add(offset);
      this.writerOffset = endOffset;
      list.push(logged);
      this.events.push(logged);
      this.recentEventIds.remember(event.eventId, { stream, revision: logged.revision });
      return logged;
    });
    this.scheduleIndexing();
    return written;
  }

  /** Resolves once `event` is readable. */
  whenIndexed(event: LoggedEvent): Promise<void> {
    if (event.sequence < this.indexed) return Promise.resolve();
    return new Promise((resolve) => this.indexWaiters.add({ sequence: event.sequence, resolve }));
  }

  /** Called after each batch of events becomes readable; returns the unsubscribe function. */
  onIndexed(listener: () => void): () => void {
    this.indexedListeners.add(listener);
    return () => this.indexedListeners.delete(listener);
  }

  /** The writer's view: last revision written, indexed or not; -1 when the stream has none. */
  currentVersion(stream: string): number {
    return (this.streams.get(stream)?.length ?? 0) - 1;
  }

  /** The readers' view of a stream: its indexed events in revision order. */
  indexedStream(stream: string): readonly LoggedEvent[] {
    const list = this.streams.get(stream) ?? [];
    let end = list.length;
    while (end > 0 && list[end - 1]!.sequence >= this.indexed) end -= 1;
    return list.slice(0, end);
  }

  get indexedCount(): number {
    return this.indexed;
  }

  indexedEvent(sequence: number): LoggedEvent {
    const event = this.events[sequence];
    if (event === undefined || sequence >= this.indexed) throw new Error(`event ${sequence} is not indexed`);
    return event;
  }

  /** The first indexed event at or after `position` (binary search); indexedCount when none. */
  firstIndexedAtOrAfter(position: LogPosition): number {
    let low = 0;
    let high = this.indexed;
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (comparePositions(positionOfRecord(this.events[middle]!.offset), position) < 0) low = middle + 1;
      else high = middle;
    }
    return low;
  }

  /** Where the last readable event is; -1 before any (SubscriptionsService's LastIndexedPosition). */
  lastIndexedOffset(): bigint {
    return this.indexed === 0 ? -1n : this.events[this.indexed - 1]!.offset;
  }

  /** A position a reader may start at: where a record begins, or the end of the log. */
  isRecordBoundary(offset: bigint): boolean {
    return offset === this.writerOffset || this.recordOffsets.has(offset);
  }

  close(): void {
    if (this.indexTimer) clearTimeout(this.indexTimer);
    this.indexTimer = null;
  }

  private scheduleIndexing(): void {
    if (this.options.indexDelayMs === 0) {
      this.indexAll();
      return;
    }
    this.indexTimer ??= setTimeout(() => {
      this.indexTimer = null;
      this.indexAll();
    }, this.options.indexDelayMs);
  }

  private indexAll(): void {
    if (this.indexed === this.events.length) return;
    this.indexed = this.events.length;
    for (const waiter of this.indexWaiters) {
      if (waiter.sequence >= this.indexed) continue;
      this.indexWaiters.delete(waiter);
      waiter.resolve();
    }
    for (const listener of this.indexedListeners) listener();
  }
}
