/**
 * The event store port. Shaped after EventStoreDB so that adapter fits: per-stream revisions
 * (0-based, the revision of the stream's last event), opaque ordered string positions in one
 * global log, and a `$all`-style catch-up-then-live subscription.
 */
/** Bounds every adapter keeps, so callers see one port whichever store is configured. */
export const appendBatchSizeMax = 100;
export const readLimitMax = 5_000;

export type ExpectedRevision = number | 'no_stream' | 'stream_exists' | 'any';

export interface EventToAppend {
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
}

export interface RecordedEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly streamId: string;
  readonly revision: number;
  /** Opaque; compare positions with `comparePositions`, never by parsing. */
  readonly position: string;
  readonly recordedAt: string;
}

export interface AppendResult {
  /** The revision of the stream's last event after this append. */
  readonly nextExpectedRevision: number;
  /** The global position of the last event of this append. */
  readonly position: string;
  /** True when every event was already in the stream (an idempotent retry): nothing was written. */
  readonly duplicate: boolean;
}

export interface EventFilter {
  readonly streamPrefixes?: readonly string[];
  readonly eventTypes?: readonly string[];
}

export interface ReadAllOptions {
  /** Exclusive: events after this position. Absent or null: from the start of the log. */
  readonly fromPosition?: string | null;
  readonly limit: number;
  readonly filter?: EventFilter;
}

export interface SubscribeOptions {
  readonly fromPosition?: string | null;
  readonly filter?: EventFilter;
  /** Called when the handler throws; the subscription stops after it. */
  readonly onError?: (error: unknown) => void;
}

export interface Subscription {
  /** Stops after the event in hand; resolves when the handler is no longer running. */
  stop(): Promise<void>;
  /** Resolves when the subscription has stopped, by `stop()` or by a handler error. */
  readonly stopped: Promise<void>;
}

export interface EventStore {
  append(streamId: string, events: readonly EventToAppend[], expected: ExpectedRevision): Promise<AppendResult>;
  readStream(streamId: string, options?: { fromRevision?: number; toRevision?: number }): Promise<RecordedEvent[]>;
  readAll(options: ReadAllOptions): Promise<RecordedEvent[]>;
  /** Catch-up from `fromPosition`, then live: every event once, in `readAll` order. */
  subscribe(options: SubscribeOptions, handler: (event: RecordedEvent) => Promise<void>): Subscription;
  /** Lets a batch reader sleep until new events may be readable (see AppendWatcher). */
  appendWatcher(): AppendWatcher;
  /** The position of the last event readers can see, or null for an empty log. */
  headPosition(): Promise<string | null>;
  /**
   * The position of the last committed event, including commits readers cannot see yet (on
   * PostgreSQL a commit becomes readable once older transactions end). A position an append
   * returned is never beyond it, so a position beyond it was never handed out.
   */
  committedHeadPosition(): Promise<string | null>;
  close(): Promise<void>;
}

/**
 * `mark()` before reading; `wait(timeoutMs)` after a short read resolves at once if something
 * was appended since the mark (so no wake-up is lost while reading), else on the next append or
 * after the timeout.
 */
export interface AppendWatcher {
  mark(): void;
  wait(timeoutMs: number): Promise<void>;
}

export class WrongExpectedVersion extends Error {
  constructor(
    readonly streamId: string,
    readonly expected: ExpectedRevision,
    readonly actual: number | 'no_stream',
  ) {
    super(`stream ${streamId}: expected revision ${String(expected)}, actual ${String(actual)}`);
    this.name = 'WrongExpectedVersion';
  }
}

/** An append whose event ids are partly in the stream already: neither a retry nor new work. */
export class IdempotencyConflict extends Error {
  constructor(readonly streamId: string, readonly eventIds: readonly string[]) {
    super(`stream ${streamId}: events ${eventIds.join(', ')} were appended before, but not as this same batch`);
    this.name = 'IdempotencyConflict';
  }
}

/** Positions are fixed-width strings, so ordering them is ordering strings. */
export function comparePositions(a: string | null | undefined, b: string | null | undefined): number {
  if (a === b) return 0;
  if (a === null || a === undefined) return -1;
  if (b === null || b === undefined) return 1;
  return a < b ? -1 : 1;
}

export function matchesFilter(filter: EventFilter | undefined, streamId: string, type: string): boolean {
  if (!filter) return true;
  const { streamPrefixes, eventTypes } = filter;
  if (streamPrefixes && !streamPrefixes.some((prefix) => streamId.startsWith(prefix))) return false;
  if (eventTypes && !eventTypes.includes(type)) return false;
  return true;
}
