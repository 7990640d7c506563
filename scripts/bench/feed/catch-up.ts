import { subscribe } from '@escrow/client';
import type { ApiChild } from './api-child-handle';
import type { FeedStats } from './api-protocol';
import { monotonicMs, until } from './clock';
import { measureCpu, type CpuSplit } from './cpu-split';

export const catchUpClientsMany = 8;
const catchUpTimeoutMs = 60_000;

export interface CatchUpResult {
  readonly clients: number;
  readonly perClientEventsPerSecond: number[];
  readonly totalEventsPerSecond: number;
  readonly complete: boolean;
  /** Connections lost and resumed by the client, and of those, how many the api closed as too slow. */
  readonly reconnects: number;
  readonly droppedSlow: number;
  readonly cpu: CpuSplit;
}

/** `clients` subscribers from the start of the log at once, each until it has every seeded event. */
export async function catchUp(api: ApiChild, token: string, clients: number, expected: number): Promise<CatchUpResult> {
  const droppedBefore = (await api.call<FeedStats>('stats')).droppedSlow;
  const { result, cpu } = await measureCpu(api, async () => {
    const started = monotonicMs();
    const runs = await Promise.all(Array.from({ length: clients }, () => readAllOf(api.baseUrl, token, expected)));
    return { runs, wallMs: monotonicMs() - started };
  });
  // The next phase counts its own subscribers.
  await until(async () => (await api.call<FeedStats>('stats')).subscribers === 0, 10_000);
  const delivered = result.runs.reduce((sum, run) => sum + run.count, 0);
  return {
    clients,
    perClientEventsPerSecond: result.runs.map((run) => Math.round((run.count * 1_000) / run.elapsedMs)),
    totalEventsPerSecond: Math.round((delivered * 1_000) / result.wallMs),
    complete: result.runs.every((run) => run.count >= expected),
    reconnects: result.runs.reduce((sum, run) => sum + run.reconnects, 0),
    droppedSlow: (await api.call<FeedStats>('stats')).droppedSlow - droppedBefore,
    cpu,
  };
}

async function readAllOf(baseUrl: string, token: string, expected: number): Promise<{ count: number; elapsedMs: number; reconnects: number }> {
  const started = monotonicMs();
  let count = 0;
  let reconnects = 0;
  let finished = () => undefined as void;
  const all = new Promise<void>((resolve) => (finished = resolve));
  const subscription = subscribe({ baseUrl, token, onDisconnect: () => reconnects++ }, () => {
    count++;
    if (count === expected) finished();
  });
  const timeout = setTimeout(finished, catchUpTimeoutMs);
  try {
    await Promise.race([all, subscription.done]);
  } finally {
    clearTimeout(timeout);
  }
  const elapsedMs = monotonicMs() - started;
  await subscription.stop();
  return { count, elapsedMs, reconnects };
}
