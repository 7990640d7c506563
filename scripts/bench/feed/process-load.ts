import { monitorEventLoopDelay } from 'node:perf_hooks';

/** CPU time and the longest event-loop stall of this process since the last read. */
export interface ProcessLoad {
  readonly cpuMs: number;
  readonly loopDelayMaxMs: number;
}

// One per process, enabled on load: both the api process and the bench process read their own.
export const processLoad = (() => {
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  return {
    read(): ProcessLoad {
      const { user, system } = process.cpuUsage();
      const loopDelayMaxMs = loopDelay.max / 1e6;
      loopDelay.reset();
      return { cpuMs: (user + system) / 1_000, loopDelayMaxMs };
    },
  };
})();
