import { randomBytes } from 'node:crypto';
import { PostgresEventStore, type EventStore } from '@escrow/event-store';
import { NatsRelay } from '@escrow/nats-relay';
import type { SqlDb } from '@escrow/sql';
import { jetstreamManager } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import type { BenchReport, TargetVerdict } from './bench-report';
import { machineBusyMs, seedLog } from './feed-bench';
import { round2 } from './stats';

/**
 * The NATS relay catching up on a log it has never published: from `start()` until its
 * checkpoint reaches the head, into a JetStream stream of its own (deleted afterwards), so runs
 * sharing a NATS server never meet.
 */
export const relayTargetEventsPerSecond = 2_000;
const natsConnectTimeoutMs = 2_000;
const relayTimeoutMs = 60_000;
const checkpointPollMs = 5;

/** Null when NATS with JetStream answers at `url`; otherwise why not. */
export async function natsUnavailable(url: string): Promise<string | null> {
  let nc: NatsConnection | null = null;
  try {
    nc = await connect({ servers: url, timeout: natsConnectTimeoutMs });
    // jetstreamManager asks the server for its JetStream account: it fails without JetStream.
    await jetstreamManager(nc);
    return null;
  } catch (error) {
    return error instanceof Error ? error.message : String(error);
  } finally {
    await nc?.close().catch(() => undefined);
  }
}

interface Timing {
  readMs: number;
  publishMs: number;
  checkpointMs: number;
  lastReadEndMs: number;
  firstAckMs: number | null;
}

const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;

async function timed<T>(add: (ms: number) => void, work: () => Promise<T>): Promise<T> {
  const started = monotonicMs();
  try {
    return await work();
  } finally {
    add(monotonicMs() - started);
  }
}

/** The store and database as the relay sees them, with the time spent reading the log and writing checkpoints. */
function timedStore(store: EventStore, timing: Timing): EventStore {
  return {
    append: (...args) => store.append(...args),
    readStream: (...args) => store.readStream(...args),
    subscribe: (...args) => store.subscribe(...args),
    appendWatcher: () => store.appendWatcher(),
    headPosition: () => store.headPosition(),
    committedHeadPosition: () => store.committedHeadPosition(),
    close: () => store.close(),
    readAll: (options) =>
      timed((ms) => {
        timing.readMs += ms;
        timing.lastReadEndMs = monotonicMs();
      }, () => store.readAll(options)),
  };
}

function timedCheckpoints(db: SqlDb, timing: Timing): SqlDb {
  return { ...db, query: (sql, params) => timed((ms) => (timing.checkpointMs += ms), () => db.query(sql, params)) };
}

export interface RelayBenchResult {
  readonly events: number;
  readonly eventsPerSecond: number;
  readonly elapsedMs: number;
  readonly caughtUp: boolean;
  readonly storedInStream: number;
  readonly stats: NatsRelay['stats'];
  readonly failures: string[];
  readonly timing: Timing;
  readonly cpu: { readonly relayProcess: number; readonly others: number | null };
}

export async function relayBench(db: SqlDb, natsUrl: string, events: number): Promise<RelayBenchResult> {
  const store = await PostgresEventStore.open(db);
  const suffix = randomBytes(5).toString('hex');
  const streamName = `RELAY_BENCH_${suffix}`;
  const nc = await connect({ servers: natsUrl, timeout: natsConnectTimeoutMs });
  const jsm = await jetstreamManager(nc);
  try {
    await seedLog(store, events);
    const head = await store.headPosition();
    const timing: Timing = { readMs: 0, publishMs: 0, checkpointMs: 0, lastReadEndMs: 0, firstAckMs: null };
    const failures: string[] = [];
    const relay = new NatsRelay(
      timedStore(store, timing),
      timedCheckpoints(db, timing),
      {
        servers: natsUrl,
        streamName,
        subjectPrefix: `relaybench.${suffix}`,
        checkpointName: `nats-relay-bench-${suffix}`,
        onWindow: () => {
          const now = monotonicMs();
          timing.publishMs += now - timing.lastReadEndMs;
          timing.firstAckMs ??= now;
        },
      },
      (error) => failures.push(error instanceof Error ? error.message : String(error)),
    );
    const cpuBefore = process.cpuUsage();
    const machineBefore = machineBusyMs();
    const started = monotonicMs();
    relay.start();
    let caughtUp = false;
    while (!caughtUp && failures.length === 0 && monotonicMs() - started < relayTimeoutMs) {
      await new Promise((resolve) => setTimeout(resolve, checkpointPollMs));
      caughtUp = relay.checkpoint === head;
    }
    const elapsedMs = monotonicMs() - started;
    const machineAfter = machineBusyMs();
    const cpu = process.cpuUsage(cpuBefore);
    await relay.stop();
    if (timing.firstAckMs !== null) timing.firstAckMs -= started;
    const relayProcessMs = (cpu.user + cpu.system) / 1_000;
    const storedInStream = (await jsm.streams.info(streamName)).state.messages;
    return {
      events,
      eventsPerSecond: Math.round((relay.stats.stored * 1_000) / elapsedMs),
      elapsedMs,
      caughtUp,
      storedInStream,
      stats: relay.stats,
      failures,
      timing,
      cpu: {
        relayProcess: relayProcessMs / elapsedMs,
        others: machineBefore === null || machineAfter === null ? null : Math.max(0, machineAfter - machineBefore - relayProcessMs) / elapsedMs,
      },
    };
  } finally {
    await jsm.streams.delete(streamName).catch(() => undefined);
    await nc.close().catch(() => undefined);
    await store.close();
  }
}

export function relayReport(result: RelayBenchResult, kind: SqlDb['kind']): BenchReport {
  const { timing } = result;
  const ms = (value: number) => `${Math.round(value)} ms`;
  const rows = [
    [`relay to JetStream, ${result.events} events`, `${result.eventsPerSecond} events/s${result.caughtUp ? '' : ' (DID NOT CATCH UP)'}`, '', ''],
  ];
  const notes = [
    `relay: ${result.stats.stored} stored, ${result.stats.duplicates} duplicates, ${result.stats.windows} windows, ${result.stats.retries} retries; the stream holds ${result.storedInStream}${result.failures.length ? `; FAILED: ${result.failures.join('; ')}` : ''}`,
    `relay: ${ms(result.elapsedMs)} in all: first window acknowledged at ${timing.firstAckMs === null ? 'never' : ms(timing.firstAckMs)} (connect, stream set-up, first read); reading the log ${ms(timing.readMs)}, publishing until every PubAck ${ms(timing.publishMs)}, checkpoint writes ${ms(timing.checkpointMs)}; cores busy: relay process ${round2(result.cpu.relayProcess)}, rest of the machine (database, NATS, others) ${result.cpu.others === null ? 'n/a' : round2(result.cpu.others)}`,
  ];
  const verdicts: TargetVerdict[] =
    kind === 'postgres'
      ? [
          {
            target: `relay ≥ ${relayTargetEventsPerSecond} events/s, PostgreSQL`,
            measured: `${result.eventsPerSecond} events/s`,
            met: result.caughtUp && result.storedInStream === result.events && result.eventsPerSecond >= relayTargetEventsPerSecond,
          },
        ]
      : [];
  return { rows, notes, verdicts };
}
