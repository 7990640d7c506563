import { execFile } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { Pool } from 'pg';
import { loadAverages, machineLine, printTable } from './bench-report';
import { peerEvents, type PeerEvent } from './peers/payload';
import { openSystem, streamName, systemNames, systemTitles, type SystemName } from './peers/systems';
import { round2, summarize } from './stats';

/**
 * `npm run bench:peers`: append throughput of this project's PostgresEventStore against a raw
 * INSERT and Emmett's PostgreSQL event store, on the same PostgreSQL (DATABASE_URL, a role that
 * may create databases), with the same payload. Cases are writers × events per append, each
 * writer appending to streams of its own with an exact expected revision. Every run gets a fresh
 * database and a fresh Node process (Emmett's driver sets process-wide `pg` type parsers, and no
 * run inherits another's JIT or pool); the systems take turns within each repeat, and the
 * table shows the median of BENCH_REPEATS (3) runs.
 */
interface Case {
  readonly writers: number;
  readonly eventsPerAppend: number;
  readonly appendsPerWriter: number;
}

const scale = Number(process.env.BENCH_PEERS_SCALE ?? 1);
const allCases: Case[] = [
  { writers: 1, eventsPerAppend: 1, appendsPerWriter: Math.ceil(3_000 * scale) },
  { writers: 16, eventsPerAppend: 1, appendsPerWriter: Math.ceil(500 * scale) },
  { writers: 16, eventsPerAppend: 10, appendsPerWriter: Math.ceil(200 * scale) },
];
/** Goals for this project's store, as a share of the raw INSERT's events/s (issue 13). */
const goals: Record<string, number> = { '1x1': 0.8, '16x1': 1.0, '16x10': 0.7 };
/** A stream takes this many appends, then its writer starts another (contract streams are short). */
const appendsPerStream = 10;
const warmupAppends = 5;

const caseName = (c: Pick<Case, 'writers' | 'eventsPerAppend'>) => `${c.writers}x${c.eventsPerAppend}`;

interface RunResult {
  readonly events: number;
  readonly elapsedMs: number;
  readonly eventsPerSecond: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/** One system, one case, in this process, on the database at `url`. */
async function runOne(system: SystemName, url: string, c: Case): Promise<RunResult> {
  const opened = await openSystem(system, url, c.writers);
  try {
    const writers = Array.from({ length: c.writers }, () => opened.writer());
    await Promise.all(
      writers.map(async (writer) => {
        const stream = streamName();
        for (let i = 0; i < warmupAppends; i++) await writer.append(stream, peerEvents(c.eventsPerAppend));
      }),
    );
    const plans = writers.map(() => Array.from({ length: c.appendsPerWriter }, () => peerEvents(c.eventsPerAppend)));
    const latenciesMs: number[] = [];
    const started = process.hrtime.bigint();
    await Promise.all(
      writers.map(async (writer, w) => {
        let stream = streamName();
        for (let n = 0; n < c.appendsPerWriter; n++) {
          if (n > 0 && n % appendsPerStream === 0) stream = streamName();
          const events: PeerEvent[] = plans[w]![n]!;
          const t0 = process.hrtime.bigint();
          await writer.append(stream, events);
          latenciesMs.push(Number(process.hrtime.bigint() - t0) / 1e6);
        }
      }),
    );
    const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
    const events = c.writers * c.appendsPerWriter * c.eventsPerAppend;
    return { events, elapsedMs: round2(elapsedMs), eventsPerSecond: Math.round((events * 1000) / elapsedMs), ...summarize(latenciesMs) };
  } finally {
    await opened.close();
  }
}

function databaseUrl(admin: string, database: string): string {
  const url = new URL(admin);
  url.pathname = `/${database}`;
  return url.toString();
}

function runInChild(system: SystemName, url: string, c: Case): Promise<RunResult> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [__filename, '--run', JSON.stringify({ system, url, c })], { maxBuffer: 1 << 20 }, (error, stdout, stderr) => {
      if (error) return reject(new Error(`${system} ${caseName(c)} failed: ${error.message}\n${stderr}`));
      const line = stdout.trim().split('\n').at(-1) ?? '';
      resolve(JSON.parse(line) as RunResult);
    });
  });
}

const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : Math.round((sorted[mid - 1]! + sorted[mid]!) / 2);
};

function selected<T extends string>(variable: string, known: readonly T[]): T[] {
  const raw = process.env[variable];
  if (!raw) return [...known];
  const names = raw.split(',').map((s) => s.trim()).filter((s) => s !== '');
  const unknown = names.filter((n) => !(known as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`${variable}: unknown ${unknown.join(', ')}; known: ${known.join(', ')}`);
  return names as T[];
}

async function main(): Promise<void> {
  const admin = process.env.DATABASE_URL;
  if (!admin) throw new Error('bench:peers needs DATABASE_URL (a role that may create and drop databases)');
  const repeats = Number(process.env.BENCH_REPEATS ?? 3);
  const systems = selected('BENCH_PEERS_SYSTEMS', systemNames);
  const cases = selected('BENCH_PEERS_CASES', allCases.map(caseName)).map((name) => allCases.find((c) => caseName(c) === name)!);
  console.log(machineLine());
  const adminPool = new Pool({ connectionString: admin, max: 1 });
  const { rows } = await adminPool.query<{ server_version: string }>('show server_version');
  console.log(`PostgreSQL ${rows[0]!.server_version}; ${repeats} repeat(s); systems ${systems.join(', ')}; cases ${cases.map(caseName).join(', ')}`);
  const results = new Map<string, RunResult[]>();
  try {
    for (let repeat = 0; repeat < repeats; repeat++) {
      for (const c of cases) {
        // Each repeat starts with another system, so none always runs right after another's load.
        const order = systems.map((_, i) => systems[(i + repeat) % systems.length]!);
        for (const system of order) {
          const database = `peers_${system}_${randomBytes(4).toString('hex')}`;
          await adminPool.query(`create database ${database}`);
          try {
            const result = await runInChild(system, databaseUrl(admin, database), c);
            const key = `${system} ${caseName(c)}`;
            results.set(key, [...(results.get(key) ?? []), result]);
            console.log(`run ${repeat + 1}/${repeats} ${caseName(c).padEnd(5)} ${system.padEnd(6)} ${String(result.eventsPerSecond).padStart(6)} events/s  p50 ${result.p50Ms} ms  p99 ${result.p99Ms} ms  (${result.events} events in ${result.elapsedMs} ms, load ${loadAverages()})`);
          } finally {
            await adminPool.query(`drop database if exists ${database} with (force)`);
          }
        }
      }
    }
  } finally {
    await adminPool.end();
  }

  const table: string[][] = [['case (writers × events/append)', ...systems.map((s) => `${systemTitles[s]} events/s`), ...systems.filter((s) => s !== 'raw').map((s) => `${s} / raw`), 'goal (escrow / raw)']];
  const verdicts: string[] = [];
  for (const c of cases) {
    const medians = Object.fromEntries(systems.map((s) => [s, median((results.get(`${s} ${caseName(c)}`) ?? []).map((r) => r.eventsPerSecond))])) as Record<SystemName, number>;
    const ratio = (s: SystemName) => (medians.raw ? (medians[s] / medians.raw).toFixed(2) : '');
    const goal = goals[caseName(c)];
    table.push([
      `${c.writers} × ${c.eventsPerAppend}`,
      ...systems.map((s) => `${medians[s]} (${(results.get(`${s} ${caseName(c)}`) ?? []).map((r) => r.eventsPerSecond).join(', ')})`),
      ...systems.filter((s) => s !== 'raw').map(ratio),
      goal === undefined ? '' : `≥ ${goal.toFixed(1)}`,
    ]);
    if (goal !== undefined && medians.raw && medians.escrow !== undefined && systems.includes('escrow')) {
      const measured = medians.escrow / medians.raw;
      verdicts.push(`goal ${caseName(c)}: escrow ≥ ${goal}× raw: ${measured >= goal ? 'met' : 'NOT MET'} (${measured.toFixed(2)}×)`);
    }
  }
  printTable(table);
  for (const verdict of verdicts) console.log(verdict);
  console.log(`load at the end: ${loadAverages()}`);
}

const entry =
  process.argv[2] === '--run'
    ? (async () => {
        const { system, url, c } = JSON.parse(process.argv[3]!) as { system: SystemName; url: string; c: Case };
        console.log(JSON.stringify(await runOne(system, url, c)));
      })()
    : main();
entry.then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
