import { PostgresEventStore } from '@escrow/event-store';
import { mintToken } from '../../../apps/api/src/auth/tokens';
import { ApiChild } from './api-child-handle';
import { authSecret, type ApiStartup } from './api-protocol';
import { openBenchDatabase, type BenchDatabase } from '../bench-database';
import { catchUp, catchUpClientsMany, type CatchUpResult } from './catch-up';
import { live, type LiveResult } from './live-latency';
import { memoryBound, type MemoryResult } from './memory-bound';
import { memoryScenarios } from './memory-scenarios';

export interface FeedBenchOptions {
  readonly events: number;
  /** Set low so that the stalled subscribers are dropped within the run. */
  readonly slowClientTimeoutMs: number;
}

export interface FeedBenchResult {
  readonly startup: ApiStartup;
  readonly catchUpOne: CatchUpResult;
  readonly catchUpMany: CatchUpResult;
  readonly live: LiveResult;
  readonly memory: MemoryResult[];
  readonly batchHeapBytes: number;
}

/**
 * Seeds `events` events and starts the api on them in its own process for catch-up and live
 * latency, then a fresh api process on the same log for each memory scenario.
 */
export async function feedBench(where: BenchDatabase, options: FeedBenchOptions): Promise<FeedBenchResult> {
  const token = mintToken(authSecret, { role: 'service', id: 'feed-bench' });
  const startApi = (events: number) => ApiChild.start({ where, events, slowClientTimeoutMs: options.slowClientTimeoutMs });
  const writerDb = where.kind === 'postgres' ? await openBenchDatabase(where, 4) : null;
  const writer = writerDb ? await PostgresEventStore.open(writerDb) : null;
  try {
    const api = await startApi(options.events);
    let throughput: Omit<FeedBenchResult, 'memory'>;
    try {
      const catchUpOne = await catchUp(api, token, 1, options.events);
      const catchUpMany = await catchUp(api, token, catchUpClientsMany, options.events);
      const liveResult = await live(api, token, writer);
      throughput = { startup: api.ready.startup, catchUpOne, catchUpMany, live: liveResult, batchHeapBytes: await api.call<number>('batchHeap') };
    } finally {
      await api.close();
    }
    const memory: MemoryResult[] = [];
    for (const scenario of memoryScenarios) {
      const fresh = await startApi(0);
      try {
        memory.push(await memoryBound(fresh, token, writer, scenario));
      } finally {
        await fresh.close();
      }
    }
    return { ...throughput, memory };
  } finally {
    await writer?.close();
    await writerDb?.close();
  }
}
