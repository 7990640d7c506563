import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import type { SqlDb } from '@escrow/sql';
import { Pool } from 'pg';
import { appendBench } from './append-bench';
import { openBenchDatabase, type BenchDatabase } from './bench-database';
import { machineLine, printTable, type BenchReport, type TargetVerdict } from './bench-report';
import { feedBench, feedReport } from './feed-bench';
import { httpBench } from './http-bench';
import { lifecycleBench } from './lifecycle-bench';
import { rebuildBench } from './rebuild-bench';
import { natsUnavailable, relayBench, relayReport } from './relay-bench';
import { verifyBench, verifyReport } from './verify-bench';

/**
 * `npm run bench`: append throughput and latency at 1 and 16 writers on embedded PGlite and (with
 * DATABASE_URL) PostgreSQL, full HTTP lifecycles per second, read-model rebuilds, the SSE event
 * feed, the NATS relay and the audit chain's verify. BENCH_ONLY=feed,relay (any of the names
 * below) runs a selection.
 * Targets live here and in docs/BENCHMARKS.md, never in tests.
 */
const benchNames = ['append', 'lifecycle', 'http', 'rebuild', 'feed', 'relay', 'verify'] as const;
type BenchName = (typeof benchNames)[number];
const appendsTotal = Number(process.env.BENCH_APPENDS ?? 4_000);
const lifecycles = Number(process.env.BENCH_LIFECYCLES ?? 100);
const lifecycleConcurrency = 8;
const httpOptions = { durationSeconds: Number(process.env.BENCH_HTTP_SECONDS ?? 10), connections: 16, countQueries: process.env.BENCH_COUNT_QUERIES === '1' };
const rebuildContracts = Number(process.env.BENCH_REBUILD_CONTRACTS ?? 3_000);
const feedOptions = { events: Number(process.env.BENCH_FEED_EVENTS ?? 20_000), slowClientTimeoutMs: 2_000 };
const relayEvents = Number(process.env.BENCH_RELAY_EVENTS ?? 20_000);
const verifyEvents = Number(process.env.BENCH_VERIFY_EVENTS ?? 100_000);
const natsUrl = process.env.NATS_BENCH_URL ?? 'nats://127.0.0.1:4222';

interface Target {
  name: string;
  /** A fresh, empty database that another process can open too (the feed bench's api runs in one). */
  locate(): Promise<{ where: BenchDatabase; dispose(): Promise<void> }>;
}

function targets(): Target[] {
  const list: Target[] = [];
  // BENCH_SKIP_PGLITE=1: PostgreSQL rows only (profiling one store, or a shorter run).
  if (process.env.BENCH_SKIP_PGLITE !== '1') {
    list.push({
      name: 'PGlite (embedded, on disk)',
      async locate() {
        const dir = mkdtempSync(join(tmpdir(), 'escrow-bench-'));
        return { where: { kind: 'pglite', dir }, dispose: async () => rmSync(dir, { recursive: true, force: true }) };
      },
    });
  }
  const url = process.env.DATABASE_URL;
  if (url) {
    list.push({
      name: 'PostgreSQL',
      async locate() {
        const schema = `bench_${randomBytes(4).toString('hex')}`;
        return {
          where: { kind: 'postgres', url, schema },
          async dispose() {
            const admin = new Pool({ connectionString: url, max: 1 });
            await admin.query(`drop schema if exists "${schema}" cascade`);
            await admin.end();
          },
        };
      },
    });
  }
  return list;
}

/** Opens the target's fresh database in this process; dispose closes and removes it. */
async function open(target: Target): Promise<{ db: SqlDb; dispose(): Promise<void> }> {
  const place = await target.locate();
  const db = await openBenchDatabase(place.where);
  return {
    db,
    async dispose() {
      await db.close();
      await place.dispose();
    },
  };
}

function selectedBenches(): ReadonlySet<BenchName> {
  const raw = process.env.BENCH_ONLY;
  if (!raw) return new Set(benchNames);
  const names = raw.split(',').map((name) => name.trim()).filter((name) => name !== '');
  const unknown = names.filter((name) => !(benchNames as readonly string[]).includes(name));
  if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown bench ${unknown.join(', ')}; known: ${benchNames.join(', ')}`);
  return new Set(names as BenchName[]);
}

async function main(): Promise<void> {
  const only = selectedBenches();
  console.log(machineLine());
  console.log(`benches: ${[...only].join(', ')}`);
  if (!process.env.DATABASE_URL) console.log('DATABASE_URL is not set: PostgreSQL rows skipped');
  const natsMissing = only.has('relay') ? await natsUnavailable(natsUrl) : null;
  if (natsMissing !== null) console.log(`relay: skipped, no NATS with JetStream at ${natsUrl} (set NATS_BENCH_URL): ${natsMissing}`);
  const rows: string[][] = [['store', 'benchmark', 'throughput', 'p50 ms', 'p99 ms']];
  const notes: string[] = [];
  const verdicts: TargetVerdict[] = [];
  const add = (store: string, report: BenchReport) => {
    rows.push(...report.rows.map((row) => [store, ...row]));
    notes.push(...report.notes.map((note) => `${store}: ${note}`));
    verdicts.push(...report.verdicts);
  };
  for (const target of targets()) {
    if (only.has('append')) {
      for (const writers of [1, 16]) {
        const { db, dispose } = await open(target);
        const result = await appendBench(db, writers, Math.ceil(appendsTotal / writers));
        rows.push([target.name, `append, ${writers} writer(s), ${result.appends} events`, `${result.appendsPerSecond} appends/s`, `${result.p50Ms}`, `${result.p99Ms}`]);
        await dispose();
      }
    }
    if (only.has('lifecycle')) {
      const { db, dispose } = await open(target);
      const result = await lifecycleBench(db, lifecycles, lifecycleConcurrency);
      rows.push([target.name, `HTTP lifecycle ×${result.lifecycles}, ${result.concurrency} concurrent`, `${result.lifecyclesPerSecond} lifecycles/s`, `${result.p50Ms}`, `${result.p99Ms}`]);
      notes.push(`${target.name}: lifecycle steps (p50 / p99 ms): ${result.steps.map((s) => `${s.step} ${s.p50Ms} / ${s.p99Ms}`).join('; ')}`);
      await dispose();
    }
    if (only.has('http')) {
      const place = await target.locate();
      try {
        add(target.name, await httpBench(place.where, httpOptions));
      } finally {
        await place.dispose();
      }
    }
    if (only.has('rebuild')) {
      const { db, dispose } = await open(target);
      const { results, rssPeakMb, oneByOneSeconds, onePassSeconds } = await rebuildBench(db, rebuildContracts);
      for (const rebuilt of results) {
        rows.push([target.name, `rebuild ${rebuilt.projection}, ${rebuilt.events} events`, `${rebuilt.eventsPerSecond} events/s`, '', '']);
      }
      notes.push(`${target.name}: every read model rebuilt one by one took ${oneByOneSeconds.toFixed(1)} s in all, in one pass ${onePassSeconds.toFixed(1)} s`);
      notes.push(`${target.name}: rebuild peak RSS ${rssPeakMb} MB (the bench process while the read models were rebuilt)`);
      await dispose();
    }
    if (only.has('feed')) {
      const place = await target.locate();
      try {
        add(target.name, feedReport(await feedBench(place.where, feedOptions), place.where, feedOptions));
      } finally {
        await place.dispose();
      }
    }
    if (only.has('relay') && natsMissing === null) {
      const { db, dispose } = await open(target);
      try {
        add(target.name, relayReport(await relayBench(db, natsUrl, relayEvents), db.kind));
      } finally {
        await dispose();
      }
    }
    if (only.has('verify')) {
      const { db, dispose } = await open(target);
      try {
        add(target.name, verifyReport(await verifyBench(db, verifyEvents), target.name));
      } finally {
        await dispose();
      }
    }
  }
  printTable(rows);
  for (const note of notes) console.log(`- ${note}`);
  for (const verdict of verdicts) console.log(`target: ${verdict.target}: ${verdict.met ? 'met' : 'NOT MET'} (${verdict.measured})`);
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
