import { subscribe } from '@escrow/client';
import type { EventStore } from '@escrow/event-store';
import { round2, summarize } from '../stats';
import type { ApiChild } from './api-child-handle';
import type { FeedStats } from './api-protocol';
import { monotonicMs, until } from './clock';
import { measureCpu, type CpuSplit } from './cpu-split';
import { writeAtRate } from './write-at-rate';

export const liveRatePerSecond = 200;
export const liveDurationMs = 10_000;
/** Appends that fall this far behind the rate stop: the achieved rate then tells. */
const liveWriteMaxMs = 2 * liveDurationMs;
const liveDrainTimeoutMs = 15_000;

export interface LiveResult {
  readonly appended: number;
  readonly achievedRatePerSecond: number;
  readonly received: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly cpu: CpuSplit;
}

/**
 * One subscriber following the head while a writer appends at a fixed rate: from the append's
 * resolution to the subscriber's handler. On PostgreSQL the writer is this process (another
 * process than the api, so the wake-up goes through NOTIFY as between real instances).
 */
export async function live(api: ApiChild, token: string, writer: EventStore | null): Promise<LiveResult> {
  const count = Math.round((liveRatePerSecond * liveDurationMs) / 1_000);
  const received = new Map<string, number>();
  const from = await api.call<string | null>('head');
  const subscription = subscribe({ baseUrl: api.baseUrl, token, from }, (event) => {
    received.set(String(event.metadata.eventId), monotonicMs());
  });
  // The subscription is open once the feed counts it; appends before that would be catch-up, not live.
  await until(async () => (await api.call<FeedStats>('stats')).subscribers >= 1, 10_000);
  const { result, cpu } = await measureCpu(api, async () => {
    const started = monotonicMs();
    const resolved = await writeAtRate(api, writer, { count, ratePerSecond: liveRatePerSecond, durationMaxMs: liveWriteMaxMs });
    const writtenMs = monotonicMs() - started;
    await until(async () => resolved.every(([id]) => received.has(id)), liveDrainTimeoutMs);
    return { resolved, writtenMs };
  });
  await subscription.stop();
  const latenciesMs = result.resolved.filter(([id]) => received.has(id)).map(([id, at]) => received.get(id)! - at);
  return {
    appended: result.resolved.length,
    achievedRatePerSecond: Math.round((result.resolved.length * 1_000) / result.writtenMs),
    received: latenciesMs.length,
    ...summarize(latenciesMs),
    maxMs: round2(latenciesMs.reduce((max, ms) => Math.max(max, ms), 0)),
    cpu,
  };
}
