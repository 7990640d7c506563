export interface TargetVerdict {
  readonly target: string;
  readonly measured: string;
  readonly met: boolean;
}

/** What a bench adds to the report: table rows (benchmark, throughput, p50, p99), notes, and targets. */
export interface BenchReport {
  readonly rows: string[][];
  readonly notes: string[];
  readonly verdicts: TargetVerdict[];
}
