import { constants as perfConstants, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { assert } from '@escrow/domain';

// Runs in the api process: its memory, without the clients'.

export interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
}

const memorySampleIntervalMs = 50;

export interface MemoryReport {
  readonly baseline: MemorySample;
  /** Sampled every `memorySampleIntervalMs`: the heap then includes garbage not yet collected. */
  readonly peak: MemorySample;
  /**
   * The heap soon after each full GC, at its highest: an upper bound of what was really held
   * (read when the GC is reported, which a busy event loop delays). Null without a full GC.
   */
  readonly heapAfterFullGcPeak: number | null;
  readonly afterClose: MemorySample;
}

/** The api process's memory, sampled while subscribers come and go; baseline and end after a full GC. */
export class MemoryWatch {
  private baseline: MemorySample | null = null;
  private peak: MemorySample = { rss: 0, heapUsed: 0 };
  private heapAfterFullGcPeak: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly fullGcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind !== perfConstants.NODE_PERFORMANCE_GC_MAJOR) continue;
      this.heapAfterFullGcPeak = Math.max(this.heapAfterFullGcPeak ?? 0, process.memoryUsage().heapUsed);
    }
  });

  start(): MemorySample {
    this.baseline = collectedSample();
    this.peak = this.baseline;
    this.heapAfterFullGcPeak = null;
    this.fullGcs.observe({ entryTypes: ['gc'] });
    this.timer = setInterval(() => {
      const { rss, heapUsed } = process.memoryUsage();
      this.peak = { rss: Math.max(this.peak.rss, rss), heapUsed: Math.max(this.peak.heapUsed, heapUsed) };
    }, memorySampleIntervalMs);
    return this.baseline;
  }

  stop(): MemoryReport {
    assert(this.baseline !== null && this.timer !== null, 'memory sampling was started');
    clearInterval(this.timer);
    this.fullGcs.disconnect();
    const heapAfterFullGcPeak = this.heapAfterFullGcPeak;
    return { baseline: this.baseline, peak: this.peak, heapAfterFullGcPeak, afterClose: collectedSample() };
  }
}

export function collectedSample(): MemorySample {
  // --expose-gc is passed to the api process only, for a baseline without floating garbage.
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}
