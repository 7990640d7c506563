import { subscriptionBatchSizeMax } from '@escrow/event-store';
import { round2 } from '../stats';
import type { BenchDatabase } from '../bench-database';
import type { BenchReport, TargetVerdict } from '../bench-report';
import type { CatchUpResult } from './catch-up';
import { cores, describeCpu } from './cpu-split';
import { liveDurationMs, liveRatePerSecond } from './live-latency';
import { memoryStalledSubscribers, memorySubscribers, type MemoryResult } from './memory-bound';
import type { FeedBenchOptions, FeedBenchResult } from './run-feed-bench';

export const catchUpTargetEventsPerSecond = 5_000;
export const liveP99TargetMs = 250;
export const rssGrowthTargetBytes = 64 * 2 ** 20;

const megabytes = (bytes: number) => `${round2(bytes / 2 ** 20)} MB`;
const rssGrowthOf = (run: MemoryResult) => run.memory.peak.rss - run.memory.baseline.rss;
const partial = (run: CatchUpResult) => (run.complete ? '' : ' (INCOMPLETE: timed out)');
/** The catch-up clients' rates, slowest first. */
const perClientOf = (result: FeedBenchResult) => [...result.catchUpMany.perClientEventsPerSecond].sort((a, b) => a - b);

export function feedReport(result: FeedBenchResult, where: BenchDatabase, options: FeedBenchOptions): BenchReport {
  return { rows: feedRows(result, options), notes: feedNotes(result, where, options), verdicts: feedVerdicts(result, where) };
}

function feedRows(result: FeedBenchResult, options: FeedBenchOptions): string[][] {
  const { catchUpOne, catchUpMany, live: liveResult } = result;
  const perClient = perClientOf(result);
  return [
    [`feed catch-up, 1 client, ${options.events} events`, `${catchUpOne.totalEventsPerSecond} events/s${partial(catchUpOne)}`, '', ''],
    [
      `feed catch-up, ${catchUpMany.clients} clients, ${options.events} events each`,
      `${catchUpMany.totalEventsPerSecond} events/s total, ${perClient[0]}–${perClient.at(-1)} per client${partial(catchUpMany)}`,
      '',
      '',
    ],
    [
      `feed live, ${liveRatePerSecond} events/s × ${liveDurationMs / 1_000} s, 1 client (max ${liveResult.maxMs} ms)`,
      `${liveResult.achievedRatePerSecond} appends/s, ${liveResult.received}/${liveResult.appended} received`,
      `${liveResult.p50Ms}`,
      `${liveResult.p99Ms}`,
    ],
    ...result.memory.map((run) => [
      `feed memory, ${memorySubscribers} subscribers, ${memoryStalledSubscribers} stalled, ${run.scenario.name}`,
      `RSS +${megabytes(rssGrowthOf(run))}, heap +${megabytes(run.memory.peak.heapUsed - run.memory.baseline.heapUsed)} (peaks)`,
      '',
      '',
    ]),
  ];
}

function feedNotes(result: FeedBenchResult, where: BenchDatabase, options: FeedBenchOptions): string[] {
  const { catchUpOne, catchUpMany, live: liveResult } = result;
  const catchUpNote = (run: CatchUpResult) =>
    `${run.reconnects} reconnects (${run.droppedSlow} closed by the api as slow readers); ${describeCpu(run.cpu)}`;
  return [
    `seeded ${options.events} events in ${Math.round(result.startup.seedMs)} ms; an event averages ${result.startup.eventBytes} bytes of data + metadata, ${result.startup.messageBytes} bytes as a feed message`,
    `catch-up, 1 client: ${catchUpNote(catchUpOne)}`,
    `catch-up, ${catchUpMany.clients} clients: per client ${perClientOf(result).join(', ')} events/s; ${catchUpNote(catchUpMany)}`,
    `live: writer in ${where.kind === 'postgres' ? 'the bench process (the api wakes on NOTIFY)' : 'the api process (PGlite is one process)'}; p50 ${liveResult.p50Ms} ms, p99 ${liveResult.p99Ms} ms, max ${liveResult.maxMs} ms; ${describeCpu(liveResult.cpu)}`,
    `memory: one subscription batch (${subscriptionBatchSizeMax} events) holds ${megabytes(result.batchHeapBytes)} of heap`,
    ...result.memory.map((run) => memoryNote(run, options)),
  ];
}

function memoryNote(run: MemoryResult, options: FeedBenchOptions): string {
  const { baseline, peak, afterClose } = run.memory;
  const dropped =
    run.stalledDroppedAfterMs !== null
      ? `all dropped after ${Math.round(run.stalledDroppedAfterMs)} ms`
      : `${run.stalledDropped}/${memoryStalledSubscribers} dropped by the end of the ${run.phaseMs} ms phase`;
  return (
    `memory, ${run.scenario.name}: api RSS ${megabytes(run.rssAtStart)} at start, ${megabytes(baseline.rss)} → ${megabytes(peak.rss)} peak → ${megabytes(afterClose.rss)} after closing + GC; ` +
    `heap ${megabytes(baseline.heapUsed)} → ${megabytes(peak.heapUsed)} (${run.memory.heapAfterFullGcPeak === null ? 'no full GC meanwhile' : `≤ ${megabytes(run.memory.heapAfterFullGcPeak)} after full GCs`}) → ${megabytes(afterClose.heapUsed)}; stalled: ${dropped} (FEED_SLOW_CLIENT_TIMEOUT_MS=${options.slowClientTimeoutMs}); ` +
    `heap held at the end (full GC, ${memorySubscribers - memoryStalledSubscribers - run.readersDropped} readers connected) ${megabytes(run.heldAtEndBytes)}; ` +
    `all ${memorySubscribers} connected after ${run.connectedAfterMs} ms; ${run.scenario.writes ? `writer appended ${run.appended.done} of ${run.appended.planned} planned at ${liveRatePerSecond}/s; ` : ''}` +
    `readers got ${run.readersMegabytes} MB, ${run.readersDropped} of them dropped; api ${cores(run.apiLoad.cores)} cores busy, longest event-loop stall ${Math.round(run.apiLoad.loopDelayMaxMs)} ms; EventFeed.stats() at the end ${JSON.stringify(run.statsAtEnd)}, after closing ${JSON.stringify(run.statsAfterClose)} (${run.droppedSlowCounted} slow drops in this phase)`
  );
}

function feedVerdicts(result: FeedBenchResult, where: BenchDatabase): TargetVerdict[] {
  const { catchUpOne, live: liveResult } = result;
  const verdicts: TargetVerdict[] = [];
  if (where.kind === 'postgres') {
    verdicts.push({
      target: `feed catch-up ≥ ${catchUpTargetEventsPerSecond} events/s, 1 client, PostgreSQL`,
      measured: `${catchUpOne.totalEventsPerSecond} events/s`,
      met: catchUpOne.complete && catchUpOne.totalEventsPerSecond >= catchUpTargetEventsPerSecond,
    });
  }
  verdicts.push({
    target: `feed live p99 ≤ ${liveP99TargetMs} ms at ${liveRatePerSecond} events/s (${where.kind})`,
    measured: `p99 ${liveResult.p99Ms} ms, ${liveResult.received}/${liveResult.appended} received, writer at ${liveResult.achievedRatePerSecond}/s`,
    // Only a writer that kept (nearly) the rate tested the target.
    met: liveResult.received === liveResult.appended && liveResult.achievedRatePerSecond >= 0.95 * liveRatePerSecond && liveResult.p99Ms <= liveP99TargetMs,
  });
  for (const run of result.memory) {
    verdicts.push({
      target: `feed RSS growth ≤ ${megabytes(rssGrowthTargetBytes)}, ${memoryStalledSubscribers} stalled of ${memorySubscribers}, ${run.scenario.name} (${where.kind})`,
      measured: `+${megabytes(rssGrowthOf(run))}, ${run.stalledDropped}/${memoryStalledSubscribers} stalled dropped`,
      met: rssGrowthOf(run) <= rssGrowthTargetBytes && run.stalledDropped === memoryStalledSubscribers,
    });
  }
  return verdicts;
}
