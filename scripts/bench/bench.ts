import 'reflect-metadata';
import { mkdtempSync, rmSync } from 'node:fs';
import { cpus, tmpdir, totalmem } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { openPglite, openPostgres, type SqlDb } from '@escrow/sql';
import { Pool } from 'pg';
import { appendBench } from './append-bench';
import { lifecycleBench } from './lifecycle-bench';
import { rebuildBench } from './rebuild-bench';

/**
 * `npm run bench`: append throughput and latency at 1 and 16 writers on embedded PGlite and (with
 * DATABASE_URL) PostgreSQL, then full HTTP lifecycles per second. Targets live here and in
 * docs/BENCHMARKS.md, never in tests.
 */
const appendsTotal = Number(process.env.BENCH_APPENDS ?? 4_000);
const lifecycles = Number(process.env.BENCH_LIFECYCLES ?? 100);
const lifecycleConcurrency = 8;
const rebuildContracts = Number(process.env.BENCH_REBUILD_CONTRACTS ?? 3_000);

interface Target {
  name: string;
  open(): Promise<{ db: SqlDb; dispose(): Promise<void> }>;
}

function targets(): Target[] {
  const list: Target[] = [
    {
      name: 'PGlite (embedded, on disk)',
      async open() {
        const dir = mkdtempSync(join(tmpdir(), 'escrow-bench-'));
        const db = await openPglite(dir);
        return { db, dispose: async () => { await db.close(); rmSync(dir, { recursive: true, force: true }); } };
      },
    },
  ];
  const url = process.env.DATABASE_URL;
  if (url) {
    list.push({
      name: 'PostgreSQL',
      async open() {
        const schema = `bench_${randomBytes(4).toString('hex')}`;
        const db = await openPostgres({ connectionString: url, schema, poolSizeMax: 32 });
        return {
          db,
          async dispose() {
            await db.close();
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

async function main(): Promise<void> {
  console.log(`machine: ${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, Node ${process.version}`);
  if (!process.env.DATABASE_URL) console.log('DATABASE_URL is not set: PostgreSQL rows skipped');
  const rows: string[][] = [['store', 'benchmark', 'throughput', 'p50 ms', 'p99 ms']];
  for (const target of targets()) {
    for (const writers of [1, 16]) {
      const { db, dispose } = await target.open();
      const result = await appendBench(db, writers, Math.ceil(appendsTotal / writers));
      rows.push([target.name, `append, ${writers} writer(s), ${result.appends} events`, `${result.appendsPerSecond} appends/s`, `${result.p50Ms}`, `${result.p99Ms}`]);
      await dispose();
    }
    const { db, dispose } = await target.open();
    const result = await lifecycleBench(db, lifecycles, lifecycleConcurrency);
    rows.push([target.name, `HTTP lifecycle ×${result.lifecycles}, ${result.concurrency} concurrent`, `${result.lifecyclesPerSecond} lifecycles/s`, `${result.p50Ms}`, `${result.p99Ms}`]);
    await dispose();
    const rebuildTarget = await target.open();
    for (const rebuilt of await rebuildBench(rebuildTarget.db, rebuildContracts)) {
      rows.push([target.name, `rebuild ${rebuilt.projection}, ${rebuilt.events} events`, `${rebuilt.eventsPerSecond} events/s`, '', '']);
    }
    await rebuildTarget.dispose();
  }
  printTable(rows);
}

function printTable(rows: string[][]): void {
  const widths = rows[0]!.map((_, column) => Math.max(...rows.map((row) => row[column]!.length)));
  const line = (row: string[]) => `| ${row.map((cell, i) => cell.padEnd(widths[i]!)).join(' | ')} |`;
  console.log(line(rows[0]!));
  console.log(`|${widths.map((w) => '-'.repeat(w + 2)).join('|')}|`);
  for (const row of rows.slice(1)) console.log(line(row));
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(error);
    process.exit(1);
  },
);
