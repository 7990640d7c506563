import type { EventFeed } from '../../../apps/api/src/events/event-feed';
import type { BenchDatabase } from '../bench-database';

// What the bench process and its api process say to each other over the IPC channel.

/** The api child reads its config from this variable, which also tells it that it is the child. */
export const childConfigEnv = 'FEED_BENCH_API_CHILD';
/** The api verifies with it, the bench mints its token with it. */
export const authSecret = 'bench-secret-bench-secret-bench-secret-0123';

export interface ChildConfig {
  readonly where: BenchDatabase;
  readonly events: number;
  readonly slowClientTimeoutMs: number;
}

/** What the api process reports once it listens. */
export interface ApiStartup {
  readonly seedMs: number;
  /** Averages over the first events: data + metadata as stored, and the whole feed message. */
  readonly eventBytes: number;
  readonly messageBytes: number;
  /** Right after the app started, before any subscriber. */
  readonly rssAtStart: number;
}

export type ChildOp = 'stats' | 'head' | 'cpu' | 'write' | 'memoryStart' | 'memoryStop' | 'heldHeap' | 'batchHeap' | 'close';
export interface WriteRequest {
  readonly count: number;
  readonly ratePerSecond: number;
  readonly durationMaxMs: number;
}
export type ChildRequest = { readonly id: number; readonly op: ChildOp; readonly write?: WriteRequest };
export type ChildMessage =
  | { readonly kind: 'ready'; readonly port: number; readonly startup: ApiStartup }
  | { readonly kind: 'reply'; readonly id: number; readonly value?: unknown; readonly error?: string };

/** The reply to 'stats'. */
export type FeedStats = ReturnType<EventFeed['stats']>;
