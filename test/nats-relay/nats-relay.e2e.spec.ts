import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { PostgresEventStore, type EventStore } from '@escrow/event-store';
import { NatsRelay, natsRelayDefaults, relayDuplicateWindowMs } from '@escrow/nats-relay';
import { readCheckpoint } from '@escrow/projector';
import { applyMigrations } from '@escrow/migrations';
import { openPostgres, type SqlDb } from '@escrow/sql';
import { DiscardPolicy, jetstreamManager } from '@nats-io/jetstream';
import { nanos, type NatsConnection } from '@nats-io/transport-node';
import { Pool } from 'pg';
import { describeEachDatabase, type DatabaseTarget } from '../support/databases';
import { checkpointCrashes } from './checkpoint-faults';
import {
  appendAll,
  connectToNats,
  deleteStream,
  expectStreamMirrorsLog,
  natsUrl,
  planAppends,
  readWholeLog,
  readWholeStream,
  sleep,
  uniqueRelayTarget,
  waitUntil,
} from './relay-fixtures';
import { reportPrefix, type RelayReport } from './relay-process';

/**
 * The relay against the real NATS server: thousands of events appended while the relay dies
 * again and again, then the JetStream stream read back whole. Every event must be there once,
 * in log order, on its subject, with the feed payload; and the dedupe must have been needed.
 */
const eventCount = 3_000;
const crashCount = 5;
const killCount = 8;
/** Slows appends while the relay process is being killed, so kills land amid appends. */
const appendPauseMs = 6;
/**
 * A relay that keeps up sits idle most of the time, and a kill then proves nothing. So each kill
 * comes at a random moment soon after the restarted relay's first window was acknowledged, while
 * it works through the backlog of its downtime, and checkpoint writes are slowed: most kills hit
 * the gap between acks and checkpoint, some a window in flight.
 */
const checkpointDelayMs = 25;
const killJitterMs = 40;
const catchUpTimeoutMs = 30_000;
const refusedAfterCount = 100;
const root = join(__dirname, '..', '..');
const databaseUrl = process.env.DATABASE_URL;

describeEachDatabase('NATS relay to JetStream', (target: DatabaseTarget) => {
  let nc: NatsConnection;

  beforeAll(async () => {
    nc = await connectToNats();
  });
  afterAll(async () => {
    await nc?.close();
  });

  it(`relays ${eventCount} events exactly once and in order through ${crashCount} crashes between publishing and checkpointing`, async () => {
    const relayTarget = uniqueRelayTarget();
    const db = await target.open();
    const store = await PostgresEventStore.open(db);
    const faults = checkpointCrashes(db);
    const relays = new RelayRestarts(store, faults.db, relayTarget);
    try {
      const appends = planAppends(eventCount, 20261201);
      const roundSize = Math.ceil(appends.length / (crashCount + 1));
      relays.start();
      for (let round = 0; round <= crashCount; round++) {
        const appendsOfRound = appends.slice(round * roundSize, (round + 1) * roundSize);
        // Armed part-way through the round: events keep coming, so a window is published after it.
        const armAt = round < crashCount ? Math.floor(Math.random() * (appendsOfRound.length - 1)) : -1;
        await appendAll(store, appendsOfRound, (i) => (i === armAt ? faults.arm() : undefined));
        if (round < crashCount) await relays.restartAfterCrash();
      }
      const head = await store.committedHeadPosition();
      await waitUntil('the relay to catch up', () => relays.current.checkpoint === head, catchUpTimeoutMs);
      const totals = await relays.stop();

      expect(faults.crashes).toBe(crashCount);
      // Each crash left an acknowledged window without a checkpoint; its republish was dropped.
      expect(totals.duplicates).toBeGreaterThanOrEqual(crashCount);
      expect(totals.stored).toBe(eventCount);
      expect(totals.storedOutOfOrder).toBe(0);
      expectStreamMirrorsLog(await readWholeStream(nc, relayTarget.streamName), await readWholeLog(store), relayTarget.subjectPrefix);
    } finally {
      await relays.stop();
      await deleteStream(nc, relayTarget.streamName);
      await store.close();
      await db.close();
    }
  }, 60_000);

  it('retries while JetStream refuses events, then carries on in order', async () => {
    const relayTarget = uniqueRelayTarget();
    const jsm = await jetstreamManager(nc);
    // An operator's stream that is full: publishes past its limit are refused until it is raised.
    await jsm.streams.add({
      name: relayTarget.streamName,
      subjects: [`${relayTarget.subjectPrefix}.>`],
      max_msgs: refusedAfterCount,
      discard: DiscardPolicy.New,
      duplicate_window: nanos(relayDuplicateWindowMs),
    });
    const db = await target.open();
    const store = await PostgresEventStore.open(db);
    const failures: unknown[] = [];
    const relay = new NatsRelay(store, db, { servers: natsUrl, ...relayTarget }, (error) => failures.push(error));
    try {
      await appendAll(store, planAppends(3 * refusedAfterCount, 20261203));
      relay.start();
      await waitUntil('a refused publish to be retried', () => relay.stats.retries > 0, catchUpTimeoutMs);
      expect(relay.stats.stored).toBe(refusedAfterCount);
      const { config } = await jsm.streams.info(relayTarget.streamName);
      await jsm.streams.update(relayTarget.streamName, { ...config, max_msgs: -1 });
      const head = await store.committedHeadPosition();
      await waitUntil('the relay to catch up', () => relay.checkpoint === head, catchUpTimeoutMs);
      await relay.stop();

      expect(failures).toEqual([]);
      expect(relay.stats.storedOutOfOrder).toBe(0);
      expectStreamMirrorsLog(await readWholeStream(nc, relayTarget.streamName), await readWholeLog(store), relayTarget.subjectPrefix);
    } finally {
      await relay.stop();
      await deleteStream(nc, relayTarget.streamName);
      await store.close();
      await db.close();
    }
  }, 60_000);

  const inSeparateProcess = `relays ${eventCount} events exactly once and in order while its process is SIGKILLed ${killCount} times`;
  if (target.name !== 'postgres') {
    it.skip(`${inSeparateProcess} skipped on ${target.name}: a relay process needs PostgreSQL (embedded PGlite serves one process)`, () => undefined);
    return;
  }

  it(inSeparateProcess, async () => {
    const relayTarget = uniqueRelayTarget();
    const schema = `t_relay_${randomBytes(5).toString('hex')}`;
    const db = await openPostgres({ connectionString: databaseUrl!, schema });
    await applyMigrations(db);
    const store = await PostgresEventStore.open(db);
    const processes = new RelayProcesses(schema, relayTarget);
    try {
      let killsDone = false;
      const appending = appendAll(store, planAppends(eventCount, 20261202), () => (killsDone ? undefined : sleep(appendPauseMs)));
      let killsWhileAppending = 0;
      let appendsDone = false;
      void appending.finally(() => (appendsDone = true));
      processes.start();
      for (let kill = 0; kill < killCount; kill++) {
        await waitUntil('the relay process to publish', () => processes.currentWindows > 0, catchUpTimeoutMs);
        await sleep(Math.random() * killJitterMs);
        if (!appendsDone) killsWhileAppending += 1;
        await processes.killAndRestart();
      }
      killsDone = true;
      await appending;
      const head = await store.committedHeadPosition();
      await waitUntil('the relay process to catch up', async () => (await readCheckpoint(db, natsRelayDefaults.checkpointName)) === head, catchUpTimeoutMs);
      await processes.stop();

      expect(processes.kills).toBe(killCount);
      expect(killsWhileAppending).toBeGreaterThan(0);
      expect(processes.failures).toEqual([]);
      // Kills fell after JetStream had acknowledged events the checkpoint did not yet cover.
      expect(processes.duplicates).toBeGreaterThan(0);
      expectStreamMirrorsLog(await readWholeStream(nc, relayTarget.streamName), await readWholeLog(store), relayTarget.subjectPrefix);
    } finally {
      await processes.stop();
      await deleteStream(nc, relayTarget.streamName);
      await store.close();
      await db.close();
      const admin = new Pool({ connectionString: databaseUrl!, max: 1 });
      await admin.query(`drop schema if exists "${schema}" cascade`);
      await admin.end();
    }
  }, 60_000);
});

/** In-process relays: each crash is followed by a fresh relay, as a restarted worker would start one. */
class RelayRestarts {
  private relay: NatsRelay | null = null;
  private crashed: Promise<unknown> = Promise.resolve();
  private readonly totals = { stored: 0, duplicates: 0, storedOutOfOrder: 0 };

  constructor(
    private readonly store: EventStore,
    private readonly db: SqlDb,
    private readonly target: { streamName: string; subjectPrefix: string },
  ) {}

  get current(): NatsRelay {
    if (!this.relay) throw new Error('no relay is running');
    return this.relay;
  }

  start(): void {
    let crash!: (error: unknown) => void;
    this.crashed = new Promise((resolve) => (crash = resolve));
    this.relay = new NatsRelay(this.store, this.db, { servers: natsUrl, ...this.target }, crash);
    this.relay.start();
  }

  async restartAfterCrash(): Promise<void> {
    await withTimeout(this.crashed, catchUpTimeoutMs, 'the simulated crash');
    await this.stop();
    this.start();
  }

  async stop(): Promise<{ stored: number; duplicates: number; storedOutOfOrder: number }> {
    const relay = this.relay;
    this.relay = null;
    if (relay) {
      await relay.stop();
      this.totals.stored += relay.stats.stored;
      this.totals.duplicates += relay.stats.duplicates;
      this.totals.storedOutOfOrder += relay.stats.storedOutOfOrder;
    }
    return { ...this.totals };
  }
}

/** The relay as a child process on the test's PostgreSQL schema, killed and started again. */
class RelayProcesses {
  private child: ChildProcess | null = null;
  private windowsOfCurrent = 0;
  private log = '';
  kills = 0;
  duplicates = 0;
  readonly failures: string[] = [];

  constructor(
    private readonly schema: string,
    private readonly target: { streamName: string; subjectPrefix: string },
  ) {}

  get currentWindows(): number {
    return this.windowsOfCurrent;
  }

  start(): void {
    const url = new URL(databaseUrl!);
    url.searchParams.set('options', `-c search_path=${this.schema}`);
    const child = spawn(process.execPath, ['-r', join(root, 'test/support/register-ts.cjs'), join(root, 'test/nats-relay/relay-process.ts')], {
      cwd: root,
      env: {
        ...process.env,
        NODE_OPTIONS: '',
        DATABASE_URL: url.toString(),
        NATS_URL: natsUrl,
        RELAY_STREAM_NAME: this.target.streamName,
        RELAY_SUBJECT_PREFIX: this.target.subjectPrefix,
        RELAY_CHECKPOINT_DELAY_MS: String(checkpointDelayMs),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.windowsOfCurrent = 0;
    let pending = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      const lines = (pending + chunk.toString()).split('\n');
      pending = lines.pop() ?? '';
      for (const line of lines) this.read(line);
    });
    child.stderr?.on('data', (chunk: Buffer) => (this.log = (this.log + chunk.toString()).slice(-10_000)));
  }

  async killAndRestart(): Promise<void> {
    await this.end('SIGKILL');
    this.kills += 1;
    this.start();
  }

  async stop(): Promise<void> {
    await this.end('SIGTERM');
  }

  private read(line: string): void {
    if (!line.startsWith(reportPrefix)) return;
    const report = JSON.parse(line.slice(reportPrefix.length)) as RelayReport;
    if (report.kind === 'failed') this.failures.push(`${report.error}\n${this.log}`);
    else {
      this.windowsOfCurrent += 1;
      this.duplicates += report.duplicates;
    }
  }

  private async end(signal: NodeJS.Signals): Promise<void> {
    const child = this.child;
    this.child = null;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill(signal);
    await exited;
  }
}

async function withTimeout<T>(promise: Promise<T>, timeoutMs: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`timed out waiting for ${what}`)), timeoutMs);
  });
  try {
    return await Promise.race([promise, timeout]);
  } finally {
    clearTimeout(timer);
  }
}
