export interface LatencySummary {
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** Nearest-rank percentiles; benchmark output only, never money. */
export function summarize(latenciesMs: number[]): LatencySummary {
  const sorted = [...latenciesMs].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)] ?? 0;
  return { p50Ms: round2(at(50)), p99Ms: round2(at(99)) };
}

export const round2 = (value: number) => Math.round(value * 100) / 100;
