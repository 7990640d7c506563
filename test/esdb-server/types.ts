/** Public types of the EventStoreDB-compatible test server (tests import these). */

export interface EsdbTestServerOptions {
  /** 0 = a free port (default). */
  readonly port?: number;
  /** How often the node writes a `$statsCollected` system event; the server's default is 30 s. */
  readonly statsPeriodMs?: number;
  /**
   * 0 (default): events are readable as soon as they are written. More: written events wait this
   * long before readers see them, and the writer is ahead of the index meanwhile (what makes an
   * idempotent retry of a not-yet-indexed write "not ready" on a real server).
   */
  readonly indexDelayMs?: number;
  /** The server's WriteTimeoutMs (default 2,000). */
  readonly writeTimeoutMs?: number;
  /** The server's MaxAppendSize (default 1,048,576 bytes). */
  readonly maxAppendSizeBytes?: number;
  /** How many recently committed event ids the `any` / `stream_exists` duplicate check remembers. */
  readonly recentEventIdsMax?: number;
}

/** An event as the test server holds it, for assertions. */
export interface StoredEvent {
  readonly stream: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  /** commit == prepare: every event is a self-committed prepare record. */
  readonly position: { readonly commit: bigint; readonly prepare: bigint };
  /** Parsed JSON for JSON events, the bytes otherwise. */
  readonly data: unknown;
  /** Parsed JSON when present and JSON, the bytes otherwise; null when empty. */
  readonly metadata: unknown;
  readonly createdAt: Date;
}

/** One Streams.Read call as the server saw it, and which streams the events it sent came from. */
export interface ReadLogEntry {
  /** The client's `connection-name` header: one per client instance. */
  readonly connectionName: string | null;
  readonly kind: 'stream' | 'all' | 'subscribe-all';
  /** The stream read, or `$all`. */
  readonly target: string;
  readonly direction: 'forwards' | 'backwards';
  /** Where the read or subscription started. */
  readonly from: 'start' | 'end' | { readonly revision: number } | { readonly commit: bigint; readonly prepare: bigint };
  /** The server-side filter, described; null for none. */
  readonly filter: string | null;
  /** Stream of every event sent so far, in order (grows while a subscription runs). */
  readonly sentStreams: readonly string[];
}

export interface EsdbTestServer {
  /** A connection string for the official client: `esdb://127.0.0.1:<port>?tls=false`. */
  readonly url: string;
  readonly port: number;
  /** The whole log in `$all` order, system events included; only what readers can see. */
  events(): StoredEvent[];
  /** One stream's readable events in revision order ([] for a stream never written). */
  stream(name: string): StoredEvent[];
  /** Every Streams.Read call so far (the latest 10,000), oldest first. */
  reads(): ReadLogEntry[];
  /** Writes a `$statsCollected` now, as the node does every stats period. */
  collectStats(): StoredEvent;
  /** Loses the recently-committed-ids cache, as a restart or a leader change does. */
  forgetRecentEventIds(): void;
  /** Ends every running subscription as 23.10 drops a subscriber it gave up on ("consumer too slow"); returns how many. */
  dropSubscriptions(): number;
  close(): Promise<void>;
}
