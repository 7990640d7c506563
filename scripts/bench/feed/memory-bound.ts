import type { EventStore } from '@escrow/event-store';
import { round2 } from '../stats';
import type { ApiChild } from './api-child-handle';
import type { FeedStats } from './api-protocol';
import { monotonicMs, sleep, until } from './clock';
import { liveRatePerSecond } from './live-latency';
import type { MemoryReport } from './memory-watch';
import type { MemoryScenario } from './memory-scenarios';
import type { ProcessLoad } from './process-load';
import { openRawFeed } from './raw-feed';
import { writeAtRate } from './write-at-rate';

export const memorySubscribers = 50;
export const memoryStalledSubscribers = 10;
const memoryPollIntervalMs = 250;

export interface MemoryResult {
  readonly scenario: MemoryScenario;
  /** The api process's RSS right after it started listening. */
  readonly rssAtStart: number;
  readonly memory: MemoryReport;
  /** Stalled subscribers the api closed as slow, and when the last of them was (from the phase's start). */
  readonly stalledDropped: number;
  readonly stalledDroppedAfterMs: number | null;
  /** Reading subscribers the api closed (too slow for it too): not expected. */
  readonly readersDropped: number;
  readonly readersMegabytes: number;
  /** When the api had answered all subscribers' requests. */
  readonly connectedAfterMs: number;
  /** The writer's appends in the phase (it stops at the phase's end, behind or not). */
  readonly appended: { readonly done: number; readonly planned: number };
  /** After a full GC at the end of the phase, the readers still connected. */
  readonly heldAtEndBytes: number;
  readonly apiLoad: { readonly cores: number; readonly loopDelayMaxMs: number };
  readonly droppedSlowCounted: number;
  readonly statsAtEnd: FeedStats;
  readonly statsAfterClose: FeedStats;
  readonly phaseMs: number;
}

/**
 * `memorySubscribers` subscribers on the api at once, `memoryStalledSubscribers` of them never
 * reading, for the scenario's phase: the api's memory meanwhile, and whether it dropped the stalled ones.
 */
export async function memoryBound(api: ApiChild, token: string, writer: EventStore | null, scenario: MemoryScenario): Promise<MemoryResult> {
  const droppedBefore = (await api.call<FeedStats>('stats')).droppedSlow;
  const head = await api.call<string | null>('head');
  await api.call('memoryStart');
  const loadBefore = await api.call<ProcessLoad>('cpu');
  const started = monotonicMs();
  const readersFrom = scenario.readersFrom === 'head' ? head : null;
  const [stalled, readers] = await Promise.all([
    Promise.all(Array.from({ length: memoryStalledSubscribers }, () => openRawFeed(api.baseUrl, token, null, true))),
    Promise.all(Array.from({ length: memorySubscribers - memoryStalledSubscribers }, () => openRawFeed(api.baseUrl, token, readersFrom, false))),
  ]);
  const connectedAfterMs = Math.round(monotonicMs() - started);
  const count = Math.round((liveRatePerSecond * scenario.phaseMs) / 1_000);
  const writing = scenario.writes ? writeAtRate(api, writer, { count, ratePerSecond: liveRatePerSecond, durationMaxMs: scenario.phaseMs }) : Promise.resolve([]);
  const elapsed = () => monotonicMs() - started;
  // A stalled client never reads, so it never sees its connection closed either: the api's count
  // tells, less the readers that saw theirs closed.
  const readersDropped = () => readers.filter((r) => r.closedAtMs() !== null).length;
  const stalledDropped = async () => (await api.call<FeedStats>('stats')).droppedSlow - droppedBefore - readersDropped();
  let stalledDroppedAfterMs: number | null = null;
  while (elapsed() < scenario.phaseMs || (stalledDroppedAfterMs === null && elapsed() < scenario.waitForDropsMs)) {
    await sleep(memoryPollIntervalMs);
    if (stalledDroppedAfterMs === null && (await stalledDropped()) >= memoryStalledSubscribers) stalledDroppedAfterMs = elapsed();
  }
  const appended = (await writing).length;
  const phaseMs = Math.round(elapsed());
  const loadAfter = await api.call<ProcessLoad>('cpu');
  const statsAtEnd = await api.call<FeedStats>('stats');
  const result = {
    stalledDropped: await stalledDropped(),
    stalledDroppedAfterMs,
    readersDropped: readersDropped(),
    readersMegabytes: round2(readers.reduce((sum, r) => sum + r.bytes(), 0) / 2 ** 20),
    connectedAfterMs,
    appended: { done: appended, planned: scenario.writes ? count : 0 },
    heldAtEndBytes: await api.call<number>('heldHeap'),
    apiLoad: { cores: (loadAfter.cpuMs - loadBefore.cpuMs) / phaseMs, loopDelayMaxMs: loadAfter.loopDelayMaxMs },
    phaseMs,
  };
  for (const stream of [...stalled, ...readers]) stream.close();
  await until(async () => (await api.call<FeedStats>('stats')).subscribers === 0, 10_000);
  const statsAfterClose = await api.call<FeedStats>('stats');
  const memory = await api.call<MemoryReport>('memoryStop');
  return { scenario, rssAtStart: api.ready.startup.rssAtStart, memory, ...result, droppedSlowCounted: statsAfterClose.droppedSlow - droppedBefore, statsAtEnd, statsAfterClose };
}
