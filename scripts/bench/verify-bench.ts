import { currentAnchor, PostgresEventStore, verifyChain } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import type { BenchReport } from './bench-report';
import { seedLog } from './feed/seed-events';

/** The aim: an untouched log verifies at this rate or faster. */
export const verifyTargetEventsPerSecond = 50_000;

export interface VerifyBenchResult {
  readonly events: number;
  readonly seedSeconds: number;
  readonly verifySeconds: number;
  readonly eventsPerSecond: number;
  readonly anchorMs: number;
  readonly streams: number;
}

/**
 * `events` events of paid-milestone lifecycles (≈ 600 bytes of data and metadata each, one
 * append of 7 per contract, 8 writers), then one `verifyChain` walk of the whole log from the
 * start through the raw adapter (every hash recomputed), then one anchor.
 */
export async function verifyBench(db: SqlDb, events: number): Promise<VerifyBenchResult> {
  const store = await PostgresEventStore.open(db);
  try {
    const seeded = process.hrtime.bigint();
    await seedLog(store, events);
    const seedSeconds = Number(process.hrtime.bigint() - seeded) / 1e9;
    const log = store.auditLog();
    const started = process.hrtime.bigint();
    const report = await verifyChain(log);
    const verifySeconds = Number(process.hrtime.bigint() - started) / 1e9;
    if (!report.ok || report.checked !== events) throw new Error(`verify bench: expected ${events} intact events, got ${JSON.stringify(report)}`);
    const anchorStarted = process.hrtime.bigint();
    const anchor = await currentAnchor(log);
    const anchorMs = Number(process.hrtime.bigint() - anchorStarted) / 1e6;
    return {
      events,
      seedSeconds,
      verifySeconds,
      eventsPerSecond: Math.round(events / verifySeconds),
      anchorMs,
      streams: anchor?.streams ?? 0,
    };
  } finally {
    await store.close();
  }
}

export function verifyReport(result: VerifyBenchResult, store: string): BenchReport {
  return {
    rows: [
      [`audit verify (whole chain), ${result.events} events`, `${result.eventsPerSecond} events/s`, '', ''],
      [`audit anchor, ${result.streams} streams`, `${result.anchorMs.toFixed(0)} ms`, '', ''],
    ],
    notes: [`verify: ${result.events} events seeded in ${result.seedSeconds.toFixed(1)} s, verified in ${result.verifySeconds.toFixed(2)} s`],
    verdicts: [
      {
        target: `audit verify ≥ ${verifyTargetEventsPerSecond} events/s (${store})`,
        measured: `${result.eventsPerSecond} events/s`,
        met: result.eventsPerSecond >= verifyTargetEventsPerSecond,
      },
    ],
  };
}
