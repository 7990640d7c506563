import type { StreamHead } from './canonical';

/** An event as stored, raw (never upcast), with the chain hash stored beside it. */
export interface ChainedEvent {
  readonly streamId: string;
  readonly revision: number;
  readonly eventId: string;
  readonly type: string;
  readonly data: unknown;
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly position: string;
  /** Lowercase hex, or null when the store holds none for this event. */
  readonly hash: string | null;
}

/**
 * The read side of the tamper-evident history, as each adapter provides it (`auditLog()`):
 * the raw log in global order with stored hashes, and the streams' heads for anchors.
 */
export interface AuditLog {
  /** Like `EventStore.readAll` (exclusive of `fromPosition`, in log order), raw, with hashes. */
  readChain(options: { readonly fromPosition?: string | null; readonly limit: number }): Promise<ChainedEvent[]>;
  /**
   * The stored hash of each (stream, revision) asked for, keyed `chainKey(streamId, revision)`;
   * absent when there is no such event. Lets a range check start mid-stream.
   */
  storedHashes(keys: readonly { readonly streamId: string; readonly revision: number }[]): Promise<Map<string, string | null>>;
  /** The last readable position (as `EventStore.headPosition`). */
  headPosition(): Promise<string | null>;
  /** Every stream's last event at or before `position`, with its stored hash. */
  streamHeads(position: string): Promise<StreamHead[]>;
}

export function chainKey(streamId: string, revision: number): string {
  return `${revision}:${streamId}`;
}
