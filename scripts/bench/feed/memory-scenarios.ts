import { liveDurationMs } from './live-latency';

const memoryPhaseMaxMs = 30_000;
/** Shorter: with 50 subscribers catching up at once, a stalled one takes long to fill its socket buffers. */
const memoryStormWaitMaxMs = 15_000;

/**
 * Two shapes of the same load, each in a freshly started api process (so that one phase's
 * committed heap does not hide the next one's growth): `memoryStalledSubscribers` raw
 * subscribers that never read, from the start of the log, and the others either following the
 * head while a writer appends, or catching up from the start at the same time (a reconnect storm).
 */
export interface MemoryScenario {
  readonly name: string;
  readonly readersFrom: 'start' | 'head';
  readonly writes: boolean;
  /** How long the subscribers stay connected, at least. */
  readonly phaseMs: number;
  /** Longer, up to this, while some stalled subscriber is still connected. */
  readonly waitForDropsMs: number;
}

export const memoryScenarios: MemoryScenario[] = [
  { name: 'readers live', readersFrom: 'head', writes: true, phaseMs: liveDurationMs, waitForDropsMs: memoryPhaseMaxMs },
  { name: 'all catching up', readersFrom: 'start', writes: false, phaseMs: liveDurationMs, waitForDropsMs: memoryStormWaitMaxMs },
];
