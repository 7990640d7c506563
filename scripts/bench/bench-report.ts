import { cpus, loadavg, totalmem } from 'node:os';

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

/** Prints rows (the first is the header) as a Markdown table, columns padded to their widest cell. */
export function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows.slice(1)) console.log(line(row));
}

/** The 1, 5 and 15 minute load averages: a bench's figures mean little without them. */
export function loadAverages(): string {
  return loadavg().map((l) => l.toFixed(2)).join(' ');
}

/** One line saying what the bench ran on. */
export function machineLine(): string {
  return `machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}, load ${loadAverages()}`;
}
