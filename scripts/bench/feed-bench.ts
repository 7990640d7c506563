import 'reflect-metadata';
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes, randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { request as httpRequest, type ClientRequest } from 'node:http';
import type { AddressInfo } from 'node:net';
import { constants as perfConstants, monitorEventLoopDelay, PerformanceObserver, type PerformanceEntry } from 'node:perf_hooks';
import { subscribe } from '@escrow/client';
import { assert, contractStream, schemaVersionOf, usd } from '@escrow/domain';
import { PostgresEventStore, subscriptionBatchSizeMax, toFeedMessage, type EventStore, type EventToAppend, type RecordedEvent } from '@escrow/event-store';
import { EVENT_STORE, loadConfig } from '@escrow/runtime';
import { openPglite, openPostgres, type SqlDb } from '@escrow/sql';
import { createApp } from '../../apps/api/src/app';
import { mintToken } from '../../apps/api/src/auth/tokens';
import { EventFeed } from '../../apps/api/src/events/event-feed';
import { round2, summarize } from './stats';

/**
 * The SSE feed under load. The api runs alone (PROCESS_ROLE=api) in a child process, as it is
 * deployed, so its memory is measured without the clients', and client and server each get a
 * core of their own; the clients (libs/client `subscribe`, or raw HTTP) run in this process.
 */

/** Where a bench database lives, so that another process can open the same one. */
export type BenchDatabase =
  | { readonly kind: 'pglite'; readonly dir: string }
  | { readonly kind: 'postgres'; readonly url: string; readonly schema: string };

export function openBenchDatabase(where: BenchDatabase, poolSizeMax = 32): Promise<SqlDb> {
  return where.kind === 'pglite' ? openPglite(where.dir) : openPostgres({ connectionString: where.url, schema: where.schema, poolSizeMax });
}

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

export interface FeedBenchOptions {
  readonly events: number;
  /** Set low so that the stalled subscribers are dropped within the run. */
  readonly slowClientTimeoutMs: number;
}

export const catchUpTargetEventsPerSecond = 5_000;
export const liveP99TargetMs = 250;
export const rssGrowthTargetBytes = 64 * 2 ** 20;
const catchUpClientsMany = 8;
const liveRatePerSecond = 200;
const liveDurationMs = 10_000;
/** Appends that fall this far behind the rate stop: the achieved rate then tells. */
const liveWriteMaxMs = 2 * liveDurationMs;
const memorySubscribers = 50;
const memoryStalledSubscribers = 10;
const memoryPhaseMaxMs = 30_000;
/** Shorter: with 50 subscribers catching up at once, a stalled one takes long to fill its socket buffers. */
const memoryStormWaitMaxMs = 15_000;
const memoryPollIntervalMs = 250;
const memorySampleIntervalMs = 50;
const catchUpTimeoutMs = 60_000;
const liveDrainTimeoutMs = 15_000;
const childStartTimeoutMs = 120_000;
const childCallTimeoutMs = 60_000;
const pollIntervalMs = 50;
const authSecret = 'bench-secret-bench-secret-bench-secret-0123';
const childConfigEnv = 'FEED_BENCH_API_CHILD';

// ---------------------------------------------------------------------------------------------
// Events shaped like the ones the command handler writes.

const hex = (bytes: number) => randomBytes(bytes).toString('hex');
const stripeId = (prefix: string) => `${prefix}_3P${randomBytes(18).toString('base64url').slice(0, 22)}`;

/** One paid milestone's whole life (7 events), with the metadata the command handler adds: about 600 bytes of data and metadata each. */
export function paidMilestone(contractId: string = randomUUID()): EventToAppend[] {
  const milestoneId = randomUUID();
  const employerId = `emp_${hex(6)}`;
  const trainerId = `tr_${hex(6)}`;
  const ref = { contractId, milestoneId };
  const amount = usd(250_000);
  const fee = usd(25_000);
  const chargeId = stripeId('ch');
  const correlationId = randomUUID();
  const employer = { role: 'employer', id: employerId };
  const trainer = { role: 'trainer', id: trainerId };
  const service = { role: 'service', id: 'payment-saga' };
  const events: Array<[string, unknown, { role: string; id: string }]> = [
    ['ContractCreated', { contractId, employerId, trainerId, projectName: 'Support-ticket sentiment labels' }, employer],
    ['MilestoneCreated', { ...ref, name: 'Batch 1', description: '5,000 tickets, 3 labels each', amount, dueDate: '2027-01-15' }, employer],
    ['MilestoneFundingRequested', { ...ref, employerId, amount, customerId: `cus_${hex(7)}`, paymentMethodId: stripeId('pm') }, employer],
    ['MilestoneFunded', { ...ref, amount, paymentIntentId: stripeId('pi'), chargeId }, service],
    ['MilestoneApprovalRequested', { ...ref, trainerId, note: 'Agreement 0.86 on the audit sample' }, trainer],
    ['MilestoneApproved', { ...ref, trainerId, amount, fee, net: usd(225_000), feeBps: 1_000, chargeId }, employer],
    ['MilestonePayoutCompleted', { ...ref, trainerId, amount: usd(225_000), transferId: stripeId('tr'), destinationAccountId: `acct_${hex(8)}` }, service],
  ];
  let causationId = correlationId;
  return events.map(([type, data, actor]) => {
    const eventId = randomUUID();
    const { milestoneId: inData } = data as { milestoneId?: string };
    const metadata = {
      eventId,
      contractId,
      ...(inData ? { milestoneId } : {}),
      actor,
      correlationId,
      causationId,
      occurredAt: new Date().toISOString(),
      schemaVersion: schemaVersionOf(type),
    };
    causationId = eventId;
    return { eventId, type, data, metadata };
  });
}

const seedWritersCount = 8;

/** Appends whole lifecycles (one append per contract, several writers at once) until `count` events are in. */
export async function seedLog(store: EventStore, count: number): Promise<void> {
  let planned = 0;
  await Promise.all(
    Array.from({ length: seedWritersCount }, async () => {
      while (planned < count) {
        const contractId = randomUUID();
        const events = paidMilestone(contractId).slice(0, count - planned);
        planned += events.length;
        await store.append(contractStream(contractId), events, 'no_stream');
      }
    }),
  );
}

const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * One event per append at a fixed rate (each a command's single event, lifecycles in turn), late
 * appends not made up by bursts, until `count` events or `durationMaxMs`. Returns each event's id
 * with the monotonic time its append resolved (CLOCK_MONOTONIC is one clock for every process on
 * the machine).
 */
export async function appendAtRate(store: EventStore, count: number, ratePerSecond: number, durationMaxMs: number): Promise<Array<[string, number]>> {
  const intervalMs = 1_000 / ratePerSecond;
  const deadline = monotonicMs() + durationMaxMs;
  const resolved: Array<[string, number]> = [];
  let lifecycle: EventToAppend[] = [];
  let stream = '';
  let revision = -1;
  let due = monotonicMs();
  for (let i = 0; i < count && monotonicMs() < deadline; i++) {
    if (lifecycle.length === 0) {
      const contractId = randomUUID();
      lifecycle = paidMilestone(contractId);
      stream = contractStream(contractId);
      revision = -1;
    }
    const event = lifecycle.shift()!;
    const waitMs = due - monotonicMs();
    if (waitMs > 0) await sleep(waitMs);
    due = Math.max(due + intervalMs, monotonicMs());
    await store.append(stream, [event], revision < 0 ? 'no_stream' : revision);
    revision++;
    resolved.push([event.eventId, monotonicMs()]);
  }
  return resolved;
}

// ---------------------------------------------------------------------------------------------
// The api process.

interface ChildConfig {
  readonly where: BenchDatabase;
  readonly events: number;
  readonly slowClientTimeoutMs: number;
}

interface MemorySample {
  readonly rss: number;
  readonly heapUsed: number;
}

interface MemoryReport {
  readonly baseline: MemorySample;
  /** Sampled every `memorySampleIntervalMs`: the heap then includes garbage not yet collected. */
  readonly peak: MemorySample;
  /**
   * The heap soon after each full GC, at its highest: an upper bound of what was really held
   * (read when the GC is reported, which a busy event loop delays). Null without a full GC.
   */
  readonly heapAfterFullGcPeak: number | null;
  readonly afterClose: MemorySample;
}

/** What the api process reports once it listens. */
interface ApiStartup {
  readonly seedMs: number;
  /** Averages over the first events: data + metadata as stored, and the whole feed message. */
  readonly eventBytes: number;
  readonly messageBytes: number;
  /** Right after the app started, before any subscriber. */
  readonly rssAtStart: number;
}

type ChildOp = 'stats' | 'head' | 'cpu' | 'write' | 'memoryStart' | 'memoryStop' | 'heldHeap' | 'batchHeap' | 'close';
interface WriteRequest {
  readonly count: number;
  readonly ratePerSecond: number;
  readonly durationMaxMs: number;
}
type ChildRequest = { readonly id: number; readonly op: ChildOp; readonly write?: WriteRequest };
type ChildMessage =
  | { readonly kind: 'ready'; readonly port: number; readonly startup: ApiStartup }
  | { readonly kind: 'reply'; readonly id: number; readonly value?: unknown; readonly error?: string };

async function runApiChild(config: ChildConfig): Promise<void> {
  const db = await openBenchDatabase(config.where);
  const seedStore = await PostgresEventStore.open(db);
  const seedStarted = monotonicMs();
  await seedLog(seedStore, config.events);
  const seedMs = monotonicMs() - seedStarted;
  const sizes = await averageSizes(seedStore);
  await seedStore.close();

  const app = await createApp({
    config: loadConfig({ AUTH_SECRET: authSecret, NODE_ENV: 'test', PROCESS_ROLE: 'api', FEED_SLOW_CLIENT_TIMEOUT_MS: String(config.slowClientTimeoutMs) }),
    db,
    logLevels: ['error'],
  });
  await app.listen(0, '127.0.0.1');
  const store = app.get<EventStore>(EVENT_STORE);
  const feed = app.get(EventFeed);
  const memory = new MemoryWatch();

  const handle = async (request: ChildRequest): Promise<unknown> => {
    switch (request.op) {
      case 'stats':
        return feed.stats();
      case 'head':
        return store.headPosition();
      case 'cpu':
        return processLoad.read();
      case 'write':
        // PGlite is one process: its writers are in the api process, as in a single-process deployment.
        return appendAtRate(store, request.write!.count, request.write!.ratePerSecond, request.write!.durationMaxMs);
      case 'memoryStart':
        return memory.start();
      case 'memoryStop':
        return memory.stop();
      case 'heldHeap':
        return collectedSample().heapUsed;
      case 'batchHeap':
        return batchHeapBytes(store);
      case 'close':
        await app.close();
        await db.close();
        setImmediate(() => process.exit(0));
        return null;
    }
  };
  // Never outlive the bench: an orphaned api would keep its port and database open.
  process.once('disconnect', () => process.exit(1));
  process.on('message', (request: ChildRequest) => {
    handle(request).then(
      (value) => process.send!({ kind: 'reply', id: request.id, value } satisfies ChildMessage),
      (error: unknown) => process.send!({ kind: 'reply', id: request.id, error: String(error instanceof Error ? (error.stack ?? error.message) : error) } satisfies ChildMessage),
    );
  });
  const { port } = app.getHttpServer().address() as AddressInfo;
  const startup: ApiStartup = { seedMs, ...sizes, rssAtStart: collectedSample().rss };
  process.send!({ kind: 'ready', port, startup } satisfies ChildMessage);
}

async function averageSizes(store: EventStore): Promise<{ eventBytes: number; messageBytes: number }> {
  const sample = await store.readAll({ fromPosition: null, limit: 700 });
  const average = (size: (event: RecordedEvent) => number) => Math.round(sample.reduce((sum, event) => sum + size(event), 0) / Math.max(1, sample.length));
  return {
    eventBytes: average((event) => Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata))),
    messageBytes: average((event) => Buffer.byteLength(JSON.stringify(toFeedMessage(event)))),
  };
}

/** The heap one subscription's batch holds while the feed sends it (what each catching-up subscriber costs). */
async function batchHeapBytes(store: EventStore): Promise<number> {
  const before = collectedSample().heapUsed;
  const batch = await store.readAll({ fromPosition: null, limit: subscriptionBatchSizeMax });
  const after = collectedSample().heapUsed;
  assert(batch.length === subscriptionBatchSizeMax, 'the log holds a whole batch');
  return after - before;
}

/** The api process's memory, sampled while subscribers come and go; baseline and end after a full GC. */
class MemoryWatch {
  private baseline: MemorySample | null = null;
  private peak: MemorySample = { rss: 0, heapUsed: 0 };
  private heapAfterFullGcPeak: number | null = null;
  private timer: NodeJS.Timeout | null = null;
  private readonly fullGcs = new PerformanceObserver((list) => {
    for (const entry of list.getEntries()) {
      if ((entry as PerformanceEntry & { detail?: { kind?: number } }).detail?.kind !== perfConstants.NODE_PERFORMANCE_GC_MAJOR) continue;
      this.heapAfterFullGcPeak = Math.max(this.heapAfterFullGcPeak ?? 0, process.memoryUsage().heapUsed);
    }
  });

  start(): MemorySample {
    this.baseline = collectedSample();
    this.peak = this.baseline;
    this.heapAfterFullGcPeak = null;
    this.fullGcs.observe({ entryTypes: ['gc'] });
    this.timer = setInterval(() => {
      const { rss, heapUsed } = process.memoryUsage();
      this.peak = { rss: Math.max(this.peak.rss, rss), heapUsed: Math.max(this.peak.heapUsed, heapUsed) };
    }, memorySampleIntervalMs);
    return this.baseline;
  }

  stop(): MemoryReport {
    assert(this.baseline !== null && this.timer !== null, 'memory sampling was started');
    clearInterval(this.timer);
    this.fullGcs.disconnect();
    const heapAfterFullGcPeak = this.heapAfterFullGcPeak;
    return { baseline: this.baseline, peak: this.peak, heapAfterFullGcPeak, afterClose: collectedSample() };
  }
}

/** CPU time and the longest event-loop stall of this process since the last read. */
interface ProcessLoad {
  readonly cpuMs: number;
  readonly loopDelayMaxMs: number;
}

const processLoad = (() => {
  const loopDelay = monitorEventLoopDelay({ resolution: 10 });
  loopDelay.enable();
  return {
    read(): ProcessLoad {
      const { user, system } = process.cpuUsage();
      const loopDelayMaxMs = loopDelay.max / 1e6;
      loopDelay.reset();
      return { cpuMs: (user + system) / 1_000, loopDelayMaxMs };
    },
  };
})();

function collectedSample(): MemorySample {
  // --expose-gc is passed to this process only, for a baseline without floating garbage.
  (globalThis as { gc?: () => void }).gc?.();
  const { rss, heapUsed } = process.memoryUsage();
  return { rss, heapUsed };
}

/** The parent's handle on the api process: request/reply over the IPC channel. */
class ApiChild {
  private nextId = 0;
  private readonly pending = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly baseUrl: string,
    readonly startup: ApiStartup,
  ) {
    child.on('message', (message: ChildMessage) => {
      if (message.kind !== 'reply') return;
      const waiter = this.pending.get(message.id);
      this.pending.delete(message.id);
      if (message.error !== undefined) waiter?.reject(new Error(`api process: ${message.error}`));
      else waiter?.resolve(message.value);
    });
    child.on('exit', (code) => {
      for (const waiter of this.pending.values()) waiter.reject(new Error(`api process exited with ${code}`));
      this.pending.clear();
    });
  }

  static start(config: ChildConfig): Promise<ApiChild> {
    const child = fork(__filename, [], {
      env: { ...process.env, [childConfigEnv]: JSON.stringify(config) },
      execArgv: ['--expose-gc'],
      serialization: 'advanced',
    });
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        child.kill();
        reject(new Error('the api process did not start in time'));
      }, childStartTimeoutMs);
      child.once('message', (message: ChildMessage) => {
        clearTimeout(timer);
        if (message.kind !== 'ready') return reject(new Error('the api process spoke before it was ready'));
        resolve(new ApiChild(child, `http://127.0.0.1:${message.port}`, message.startup));
      });
      child.once('exit', (code) => {
        clearTimeout(timer);
        reject(new Error(`the api process exited with ${code} before it was ready`));
      });
    });
  }

  call<T>(op: ChildOp, args: { write?: WriteRequest } = {}): Promise<T> {
    const id = this.nextId++;
    return new Promise<T>((resolve, reject) => {
      const timer = setTimeout(() => {
        this.pending.delete(id);
        reject(new Error(`api process did not answer ${op} in ${childCallTimeoutMs} ms`));
      }, childCallTimeoutMs);
      this.pending.set(id, {
        resolve: (value) => {
          clearTimeout(timer);
          resolve(value as T);
        },
        reject: (error) => {
          clearTimeout(timer);
          reject(error);
        },
      });
      this.child.send({ id, op, ...args } satisfies ChildRequest);
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null) return;
    const exited = new Promise((resolve) => this.child.once('exit', resolve));
    await this.call('close').catch(() => this.child.kill());
    await exited;
  }
}

// ---------------------------------------------------------------------------------------------
// Where the time goes: CPU of the api process, of the clients, and of everything else.

interface CpuSplit {
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

async function measureCpu<T>(api: ApiChild, work: () => Promise<T>): Promise<{ result: T; cpu: CpuSplit }> {
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

const cores = (value: number | null) => (value === null ? 'n/a' : value.toFixed(2));
const describeCpu = (cpu: CpuSplit) =>
  `cores busy: api ${cores(cpu.api)}, clients ${cores(cpu.clients)}, rest of the machine ${cores(cpu.others)}; ` +
  `longest event-loop stall: api ${Math.round(cpu.apiLoopDelayMaxMs)} ms, clients ${Math.round(cpu.clientsLoopDelayMaxMs)} ms`;

// ---------------------------------------------------------------------------------------------
// The phases.

interface CatchUpResult {
  readonly clients: number;
  readonly perClientEventsPerSecond: number[];
  readonly totalEventsPerSecond: number;
  readonly complete: boolean;
  /** Connections lost and resumed by the client, and of those, how many the api closed as too slow. */
  readonly reconnects: number;
  readonly droppedSlow: number;
  readonly cpu: CpuSplit;
}

/** `clients` subscribers from the start of the log at once, each until it has every seeded event. */
async function catchUp(api: ApiChild, token: string, clients: number, expected: number): Promise<CatchUpResult> {
  const droppedBefore = (await api.call<FeedStats>('stats')).droppedSlow;
  const { result, cpu } = await measureCpu(api, async () => {
    const started = monotonicMs();
    const runs = await Promise.all(Array.from({ length: clients }, () => readAllOf(api.baseUrl, token, expected)));
    return { runs, wallMs: monotonicMs() - started };
  });
  // The next phase counts its own subscribers.
  await until(async () => (await api.call<FeedStats>('stats')).subscribers === 0, 10_000);
  const delivered = result.runs.reduce((sum, run) => sum + run.count, 0);
  return {
    clients,
    perClientEventsPerSecond: result.runs.map((run) => Math.round((run.count * 1_000) / run.elapsedMs)),
    totalEventsPerSecond: Math.round((delivered * 1_000) / result.wallMs),
    complete: result.runs.every((run) => run.count >= expected),
    reconnects: result.runs.reduce((sum, run) => sum + run.reconnects, 0),
    droppedSlow: (await api.call<FeedStats>('stats')).droppedSlow - droppedBefore,
    cpu,
  };
}

async function readAllOf(baseUrl: string, token: string, expected: number): Promise<{ count: number; elapsedMs: number; reconnects: number }> {
  const started = monotonicMs();
  let count = 0;
  let reconnects = 0;
  let finished = () => undefined as void;
  const all = new Promise<void>((resolve) => (finished = resolve));
  const subscription = subscribe({ baseUrl, token, onDisconnect: () => reconnects++ }, () => {
    count++;
    if (count === expected) finished();
  });
  const timeout = setTimeout(finished, catchUpTimeoutMs);
  try {
    await Promise.race([all, subscription.done]);
  } finally {
    clearTimeout(timeout);
  }
  const elapsedMs = monotonicMs() - started;
  await subscription.stop();
  return { count, elapsedMs, reconnects };
}

/** The writer of the live phases: this process's own store on PostgreSQL, the api process on PGlite. */
function writeAtRate(api: ApiChild, writer: EventStore | null, request: WriteRequest): Promise<Array<[string, number]>> {
  return writer ? appendAtRate(writer, request.count, request.ratePerSecond, request.durationMaxMs) : api.call('write', { write: request });
}

interface LiveResult {
  readonly appended: number;
  readonly achievedRatePerSecond: number;
  readonly received: number;
  readonly p50Ms: number;
  readonly p99Ms: number;
  readonly maxMs: number;
  readonly cpu: CpuSplit;
}

/**
 * One subscriber following the head while a writer appends at a fixed rate: from the append's
 * resolution to the subscriber's handler. On PostgreSQL the writer is this process (another
 * process than the api, so the wake-up goes through NOTIFY as between real instances).
 */
async function live(api: ApiChild, token: string, writer: EventStore | null): Promise<LiveResult> {
  const count = Math.round((liveRatePerSecond * liveDurationMs) / 1_000);
  const received = new Map<string, number>();
  const from = await api.call<string | null>('head');
  const subscription = subscribe({ baseUrl: api.baseUrl, token, from }, (event) => {
    received.set(String(event.metadata.eventId), monotonicMs());
  });
  // The subscription is open once the feed counts it; appends before that would be catch-up, not live.
  await until(async () => (await api.call<FeedStats>('stats')).subscribers >= 1, 10_000);
  const { result, cpu } = await measureCpu(api, async () => {
    const started = monotonicMs();
    const resolved = await writeAtRate(api, writer, { count, ratePerSecond: liveRatePerSecond, durationMaxMs: liveWriteMaxMs });
    const writtenMs = monotonicMs() - started;
    await until(async () => resolved.every(([id]) => received.has(id)), liveDrainTimeoutMs);
    return { resolved, writtenMs };
  });
  await subscription.stop();
  const latenciesMs = result.resolved.filter(([id]) => received.has(id)).map(([id, at]) => received.get(id)! - at);
  return {
    appended: result.resolved.length,
    achievedRatePerSecond: Math.round((result.resolved.length * 1_000) / result.writtenMs),
    received: latenciesMs.length,
    ...summarize(latenciesMs),
    maxMs: round2(latenciesMs.reduce((max, ms) => Math.max(max, ms), 0)),
    cpu,
  };
}

/**
 * Two shapes of the same load, each in a freshly started api process (so that one phase's
 * committed heap does not hide the next one's growth): `memoryStalledSubscribers` raw
 * subscribers that never read, from the start of the log, and the others either following the
 * head while a writer appends, or catching up from the start at the same time (a reconnect storm).
 */
interface MemoryScenario {
  readonly name: string;
  readonly readersFrom: 'start' | 'head';
  readonly writes: boolean;
  /** How long the subscribers stay connected, at least. */
  readonly phaseMs: number;
  /** Longer, up to this, while some stalled subscriber is still connected. */
  readonly waitForDropsMs: number;
}

const memoryScenarios: MemoryScenario[] = [
  { name: 'readers live', readersFrom: 'head', writes: true, phaseMs: liveDurationMs, waitForDropsMs: memoryPhaseMaxMs },
  { name: 'all catching up', readersFrom: 'start', writes: false, phaseMs: liveDurationMs, waitForDropsMs: memoryStormWaitMaxMs },
];

interface MemoryResult {
  readonly scenario: MemoryScenario;
  /** The api process's RSS right after it started listening. */
  readonly rssAtStart: number;
  readonly memory: MemoryReport;
  /** Stalled subscribers the api closed as slow, and when the last of them was (from the phase's start). */
  readonly stalledDropped: number;
  readonly stalledDroppedAfterMs: number | null;
  /** Reading subscribers the api closed (too slow for it too): not expected. */
  readonly readersDropped: number;
  readonly readersMegabytes: number;
  /** When the api had answered all subscribers' requests. */
  readonly connectedAfterMs: number;
  /** The writer's appends in the phase (it stops at the phase's end, behind or not). */
  readonly appended: { readonly done: number; readonly planned: number };
  /** After a full GC at the end of the phase, the readers still connected. */
  readonly heldAtEndBytes: number;
  readonly apiLoad: { readonly cores: number; readonly loopDelayMaxMs: number };
  readonly droppedSlowCounted: number;
  readonly statsAtEnd: FeedStats;
  readonly statsAfterClose: FeedStats;
  readonly phaseMs: number;
}

type FeedStats = ReturnType<EventFeed['stats']>;

async function memoryBound(api: ApiChild, token: string, writer: EventStore | null, scenario: MemoryScenario): Promise<MemoryResult> {
  const droppedBefore = (await api.call<FeedStats>('stats')).droppedSlow;
  const head = await api.call<string | null>('head');
  await api.call('memoryStart');
  const loadBefore = await api.call<ProcessLoad>('cpu');
  const started = monotonicMs();
  const readersFrom = scenario.readersFrom === 'head' ? head : null;
  const [stalled, readers] = await Promise.all([
    Promise.all(Array.from({ length: memoryStalledSubscribers }, () => openRawFeed(api.baseUrl, token, null, true))),
    Promise.all(Array.from({ length: memorySubscribers - memoryStalledSubscribers }, () => openRawFeed(api.baseUrl, token, readersFrom, false))),
  ]);
  const connectedAfterMs = Math.round(monotonicMs() - started);
  const count = Math.round((liveRatePerSecond * scenario.phaseMs) / 1_000);
  const writing = scenario.writes ? writeAtRate(api, writer, { count, ratePerSecond: liveRatePerSecond, durationMaxMs: scenario.phaseMs }) : Promise.resolve([]);
  const elapsed = () => monotonicMs() - started;
  // A stalled client never reads, so it never sees its connection closed either: the api's count
  // tells, less the readers that saw theirs closed.
  const readersDropped = () => readers.filter((r) => r.closedAtMs() !== null).length;
  const stalledDropped = async () => (await api.call<FeedStats>('stats')).droppedSlow - droppedBefore - readersDropped();
  let stalledDroppedAfterMs: number | null = null;
  while (elapsed() < scenario.phaseMs || (stalledDroppedAfterMs === null && elapsed() < scenario.waitForDropsMs)) {
    await sleep(memoryPollIntervalMs);
    if (stalledDroppedAfterMs === null && (await stalledDropped()) >= memoryStalledSubscribers) stalledDroppedAfterMs = elapsed();
  }
  const appended = (await writing).length;
  const phaseMs = Math.round(elapsed());
  const loadAfter = await api.call<ProcessLoad>('cpu');
  const statsAtEnd = await api.call<FeedStats>('stats');
  const result = {
    stalledDropped: await stalledDropped(),
    stalledDroppedAfterMs,
    readersDropped: readersDropped(),
    readersMegabytes: round2(readers.reduce((sum, r) => sum + r.bytes(), 0) / 2 ** 20),
    connectedAfterMs,
    appended: { done: appended, planned: scenario.writes ? count : 0 },
    heldAtEndBytes: await api.call<number>('heldHeap'),
    apiLoad: { cores: (loadAfter.cpuMs - loadBefore.cpuMs) / phaseMs, loopDelayMaxMs: loadAfter.loopDelayMaxMs },
    phaseMs,
  };
  for (const stream of [...stalled, ...readers]) stream.close();
  await until(async () => (await api.call<FeedStats>('stats')).subscribers === 0, 10_000);
  const statsAfterClose = await api.call<FeedStats>('stats');
  const memory = await api.call<MemoryReport>('memoryStop');
  return { scenario, rssAtStart: api.startup.rssAtStart, memory, ...result, droppedSlowCounted: statsAfterClose.droppedSlow - droppedBefore, statsAtEnd, statsAfterClose };
}

interface RawFeed {
  bytes(): number;
  /** When the server closed the connection (monotonic ms), or null while it is open. */
  closedAtMs(): number | null;
  close(): void;
}

/** A plain HTTP subscriber: a reader that counts bytes, or one that pauses at once and never reads. */
function openRawFeed(baseUrl: string, token: string, from: string | null, stalled: boolean): Promise<RawFeed> {
  const url = new URL('/v1/events', baseUrl);
  if (from !== null) url.searchParams.set('from', from);
  return new Promise((resolve, reject) => {
    let bytes = 0;
    let closedAtMs: number | null = null;
    let closing = false;
    const request: ClientRequest = httpRequest(url, { agent: false, headers: { accept: 'text/event-stream', authorization: `Bearer ${token}` } }, (response) => {
      if (response.statusCode !== 200) return reject(new Error(`feed answered HTTP ${response.statusCode}`));
      if (stalled) response.pause();
      else response.on('data', (chunk: Buffer) => (bytes += chunk.length));
      response.on('error', () => undefined);
      resolve({
        bytes: () => bytes,
        closedAtMs: () => closedAtMs,
        close: () => {
          closing = true;
          request.destroy();
        },
      });
    });
    request.on('close', () => {
      if (!closing) closedAtMs ??= monotonicMs();
    });
    request.on('error', (error) => (bytes === 0 && closedAtMs === null ? reject(error) : undefined));
    request.end();
  });
}

async function until(done: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = monotonicMs() + timeoutMs;
  while (monotonicMs() < deadline) {
    if (await done()) return true;
    await sleep(pollIntervalMs);
  }
  return false;
}

// ---------------------------------------------------------------------------------------------

export interface FeedBenchResult {
  readonly startup: ApiStartup;
  readonly catchUpOne: CatchUpResult;
  readonly catchUpMany: CatchUpResult;
  readonly live: LiveResult;
  readonly memory: MemoryResult[];
  readonly batchHeapBytes: number;
}

/**
 * Seeds `events` events and starts the api on them in its own process for catch-up and live
 * latency, then a fresh api process on the same log for each memory scenario.
 */
export async function feedBench(where: BenchDatabase, options: FeedBenchOptions): Promise<FeedBenchResult> {
  const token = mintToken(authSecret, { role: 'service', id: 'feed-bench' });
  const startApi = (events: number) => ApiChild.start({ where, events, slowClientTimeoutMs: options.slowClientTimeoutMs });
  const writerDb = where.kind === 'postgres' ? await openBenchDatabase(where, 4) : null;
  const writer = writerDb ? await PostgresEventStore.open(writerDb) : null;
  try {
    const api = await startApi(options.events);
    let throughput: Omit<FeedBenchResult, 'memory'>;
    try {
      const catchUpOne = await catchUp(api, token, 1, options.events);
      const catchUpMany = await catchUp(api, token, catchUpClientsMany, options.events);
      const liveResult = await live(api, token, writer);
      throughput = { startup: api.startup, catchUpOne, catchUpMany, live: liveResult, batchHeapBytes: await api.call<number>('batchHeap') };
    } finally {
      await api.close();
    }
    const memory: MemoryResult[] = [];
    for (const scenario of memoryScenarios) {
      const fresh = await startApi(0);
      try {
        memory.push(await memoryBound(fresh, token, writer, scenario));
      } finally {
        await fresh.close();
      }
    }
    return { ...throughput, memory };
  } finally {
    await writer?.close();
    await writerDb?.close();
  }
}

const megabytes = (bytes: number) => `${round2(bytes / 2 ** 20)} MB`;
const rssGrowthOf = (run: MemoryResult) => run.memory.peak.rss - run.memory.baseline.rss;

export function feedReport(result: FeedBenchResult, where: BenchDatabase, options: FeedBenchOptions): BenchReport {
  const { catchUpOne, catchUpMany, live: liveResult } = result;
  const perClient = [...catchUpMany.perClientEventsPerSecond].sort((a, b) => a - b);
  const partial = (run: CatchUpResult) => (run.complete ? '' : ' (INCOMPLETE: timed out)');
  const rows = [
    [`feed catch-up, 1 client, ${options.events} events`, `${catchUpOne.totalEventsPerSecond} events/s${partial(catchUpOne)}`, '', ''],
    [
      `feed catch-up, ${catchUpMany.clients} clients, ${options.events} events each`,
      `${catchUpMany.totalEventsPerSecond} events/s total, ${perClient[0]}–${perClient.at(-1)} per client${partial(catchUpMany)}`,
      '',
      '',
    ],
    [
      `feed live, ${liveRatePerSecond} events/s × ${liveDurationMs / 1_000} s, 1 client (max ${liveResult.maxMs} ms)`,
      `${liveResult.achievedRatePerSecond} appends/s, ${liveResult.received}/${liveResult.appended} received`,
      `${liveResult.p50Ms}`,
      `${liveResult.p99Ms}`,
    ],
    ...result.memory.map((run) => [
      `feed memory, ${memorySubscribers} subscribers, ${memoryStalledSubscribers} stalled, ${run.scenario.name}`,
      `RSS +${megabytes(rssGrowthOf(run))}, heap +${megabytes(run.memory.peak.heapUsed - run.memory.baseline.heapUsed)} (peaks)`,
      '',
      '',
    ]),
  ];
  const catchUpNote = (run: CatchUpResult) =>
    `${run.reconnects} reconnects (${run.droppedSlow} closed by the api as slow readers); ${describeCpu(run.cpu)}`;
  const notes = [
    `seeded ${options.events} events in ${Math.round(result.startup.seedMs)} ms; an event averages ${result.startup.eventBytes} bytes of data + metadata, ${result.startup.messageBytes} bytes as a feed message`,
    `catch-up, 1 client: ${catchUpNote(catchUpOne)}`,
    `catch-up, ${catchUpMany.clients} clients: per client ${perClient.join(', ')} events/s; ${catchUpNote(catchUpMany)}`,
    `live: writer in ${where.kind === 'postgres' ? 'the bench process (the api wakes on NOTIFY)' : 'the api process (PGlite is one process)'}; p50 ${liveResult.p50Ms} ms, p99 ${liveResult.p99Ms} ms, max ${liveResult.maxMs} ms; ${describeCpu(liveResult.cpu)}`,
    `memory: one subscription batch (${subscriptionBatchSizeMax} events) holds ${megabytes(result.batchHeapBytes)} of heap`,
    ...result.memory.map((run) => {
      const { baseline, peak, afterClose } = run.memory;
      const dropped =
        run.stalledDroppedAfterMs !== null
          ? `all dropped after ${Math.round(run.stalledDroppedAfterMs)} ms`
          : `${run.stalledDropped}/${memoryStalledSubscribers} dropped by the end of the ${run.phaseMs} ms phase`;
      return (
        `memory, ${run.scenario.name}: api RSS ${megabytes(run.rssAtStart)} at start, ${megabytes(baseline.rss)} → ${megabytes(peak.rss)} peak → ${megabytes(afterClose.rss)} after closing + GC; ` +
        `heap ${megabytes(baseline.heapUsed)} → ${megabytes(peak.heapUsed)} (${run.memory.heapAfterFullGcPeak === null ? 'no full GC meanwhile' : `≤ ${megabytes(run.memory.heapAfterFullGcPeak)} after full GCs`}) → ${megabytes(afterClose.heapUsed)}; stalled: ${dropped} (FEED_SLOW_CLIENT_TIMEOUT_MS=${options.slowClientTimeoutMs}); ` +
        `heap held at the end (full GC, ${memorySubscribers - memoryStalledSubscribers - run.readersDropped} readers connected) ${megabytes(run.heldAtEndBytes)}; ` +
        `all ${memorySubscribers} connected after ${run.connectedAfterMs} ms; ${run.scenario.writes ? `writer appended ${run.appended.done} of ${run.appended.planned} planned at ${liveRatePerSecond}/s; ` : ''}` +
        `readers got ${run.readersMegabytes} MB, ${run.readersDropped} of them dropped; api ${cores(run.apiLoad.cores)} cores busy, longest event-loop stall ${Math.round(run.apiLoad.loopDelayMaxMs)} ms; EventFeed.stats() at the end ${JSON.stringify(run.statsAtEnd)}, after closing ${JSON.stringify(run.statsAfterClose)} (${run.droppedSlowCounted} slow drops in this phase)`
      );
    }),
  ];
  const verdicts: TargetVerdict[] = [];
  if (where.kind === 'postgres') {
    verdicts.push({
      target: `feed catch-up ≥ ${catchUpTargetEventsPerSecond} events/s, 1 client, PostgreSQL`,
      measured: `${catchUpOne.totalEventsPerSecond} events/s`,
      met: catchUpOne.complete && catchUpOne.totalEventsPerSecond >= catchUpTargetEventsPerSecond,
    });
  }
  verdicts.push({
    target: `feed live p99 ≤ ${liveP99TargetMs} ms at ${liveRatePerSecond} events/s (${where.kind})`,
    measured: `p99 ${liveResult.p99Ms} ms, ${liveResult.received}/${liveResult.appended} received, writer at ${liveResult.achievedRatePerSecond}/s`,
    // Only a writer that kept (nearly) the rate tested the target.
    met: liveResult.received === liveResult.appended && liveResult.achievedRatePerSecond >= 0.95 * liveRatePerSecond && liveResult.p99Ms <= liveP99TargetMs,
  });
  for (const run of result.memory) {
    verdicts.push({
      target: `feed RSS growth ≤ ${megabytes(rssGrowthTargetBytes)}, ${memoryStalledSubscribers} stalled of ${memorySubscribers}, ${run.scenario.name} (${where.kind})`,
      measured: `+${megabytes(rssGrowthOf(run))}, ${run.stalledDropped}/${memoryStalledSubscribers} stalled dropped`,
      met: rssGrowthOf(run) <= rssGrowthTargetBytes && run.stalledDropped === memoryStalledSubscribers,
    });
  }
  return { rows, notes, verdicts };
}

if (require.main === module && process.env[childConfigEnv]) {
  runApiChild(JSON.parse(process.env[childConfigEnv]) as ChildConfig).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
