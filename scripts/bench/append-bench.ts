import { randomUUID } from 'node:crypto';
import { PostgresEventStore } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { summarize, type LatencySummary } from './stats';

export interface AppendResult extends LatencySummary {
  readonly writers: number;
  readonly appends: number;
  readonly appendsPerSecond: number;
}

/**
 * `writers` concurrent writers, each appending single events to its own stream with an exact
 * expected revision (the shape of real command handling).
 */
export async function appendBench(db: SqlDb, writers: number, appendsPerWriter: number): Promise<AppendResult> {
  const store = await PostgresEventStore.open(db);
  const latenciesMs: number[] = [];
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: writers }, async () => {
      const stream = `contract-bench-${randomUUID()}`;
      for (let n = 0; n < appendsPerWriter; n++) {
        const event = { eventId: randomUUID(), type: 'BenchEvent', data: { n }, metadata: { occurredAt: new Date().toISOString() } };
        const t0 = process.hrtime.bigint();
        await store.append(stream, [event], n === 0 ? 'no_stream' : n - 1);
        latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
      }
    }),
  );
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  await store.close();
  const appends = writers * appendsPerWriter;
  return { writers, appends, appendsPerSecond: Math.round((appends * 1000) / elapsedMs), ...summarize(latenciesMs) };
}
