import { readFileSync } from 'node:fs';
import type { ApiChild } from './api-child-handle';
import { monotonicMs } from './clock';
import { processLoad, type ProcessLoad } from './process-load';

// Where the time goes: CPU of the api process, of the clients, and of everything else.

export interface CpuSplit {
  readonly wallMs: number;
  /** Cores busy on average (1.0 = one core all the time). */
  readonly api: number;
  readonly clients: number;
  /** The rest of the machine: PostgreSQL and whatever else runs. Null where /proc/stat is missing. */
  readonly others: number | null;
  /** The longest time each process's event loop could not run a timer. */
  readonly apiLoopDelayMaxMs: number;
  readonly clientsLoopDelayMaxMs: number;
}

export function machineBusyMs(): number | null {
  try {
    const fields = readFileSync('/proc/stat', 'utf8').split('\n')[0]!.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal: busy is all but idle and iowait, in USER_HZ (10 ms).
    const busy = fields.slice(0, 8).reduce((sum, value, i) => (i === 3 || i === 4 ? sum : sum + value), 0);
    return busy * 10;
  } catch {
    return null;
  }
}

export async function measureCpu<T>(api: ApiChild, work: () => Promise<T>): Promise<{ result: T; cpu: CpuSplit }> {
  const apiBefore = await api.call<ProcessLoad>('cpu');
  const clientsBefore = processLoad.read();
  const machineBefore = machineBusyMs();
  const started = monotonicMs();
  const result = await work();
  const wallMs = monotonicMs() - started;
  const machineAfter = machineBusyMs();
  const clientsAfter = processLoad.read();
  const apiAfter = await api.call<ProcessLoad>('cpu');
  const apiMs = apiAfter.cpuMs - apiBefore.cpuMs;
  const clientsMs = clientsAfter.cpuMs - clientsBefore.cpuMs;
  const others = machineBefore === null || machineAfter === null ? null : Math.max(0, machineAfter - machineBefore - apiMs - clientsMs) / wallMs;
  return {
    result,
    cpu: { wallMs, api: apiMs / wallMs, clients: clientsMs / wallMs, others, apiLoopDelayMaxMs: apiAfter.loopDelayMaxMs, clientsLoopDelayMaxMs: clientsAfter.loopDelayMaxMs },
  };
}

export const cores = (value: number | null) => (value === null ? 'n/a' : value.toFixed(2));
export const describeCpu = (cpu: CpuSplit) =>
  `cores busy: api ${cores(cpu.api)}, clients ${cores(cpu.clients)}, rest of the machine ${cores(cpu.others)}; ` +
  `longest event-loop stall: api ${Math.round(cpu.apiLoopDelayMaxMs)} ms, clients ${Math.round(cpu.clientsLoopDelayMaxMs)} ms`;
