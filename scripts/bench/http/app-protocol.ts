import type { BenchDatabase } from '../bench-database';

// What the HTTP bench and the app process it forks say to each other over the IPC channel.

/** The app child reads its config from this variable, which also tells it that it is the child. */
export const appChildEnv = 'HTTP_BENCH_APP_CHILD';
/** The app verifies with it, the bench mints its tokens with it. */
export const httpBenchSecret = 'bench-secret-bench-secret-bench-secret-0123';

export interface AppChildConfig {
  readonly where: BenchDatabase;
  readonly processRole: 'all' | 'api';
  /** Count the statements the app sends (op `queries`): a diagnosis, it costs a little time. */
  readonly countQueries: boolean;
}

export interface QueryCounts {
  readonly transactions: number;
  readonly statements: [string, number][];
}

export interface LoopDelay {
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
}

export type AppChildOp = 'loopDelayStart' | 'loopDelayStop' | 'queries' | 'close';
export type AppChildRequest = { readonly id: number; readonly op: AppChildOp };
export type AppChildMessage =
  | { readonly kind: 'ready'; readonly port: number }
  | { readonly kind: 'reply'; readonly id: number; readonly value?: unknown; readonly error?: string };
