import { Logger } from '@nestjs/common';
import { assert } from '@escrow/domain';
import { comparePositions, type EventStore, type RecordedEvent } from '@escrow/event-store';
import { PollLoop, type LoopControl } from '@escrow/jobs';
import { backoffMs, type Backoff } from '@escrow/retry';
import type { SqlDb } from '@escrow/sql';
import { jetstream, jetstreamManager, type JetStreamClient } from '@nats-io/jetstream';
import { connect, type NatsConnection } from '@nats-io/transport-node';
import { advanceRelayCheckpoint, prepareRelayCheckpoint } from './relay-checkpoint';
import { ensureRelayStream, relayDuplicateWindowMs } from './relay-stream';
import { assertSubjectPrefix } from './relay-subjects';
import { publishWindow, type RelayTarget, type WindowAck } from './relay-window';

export const natsRelayDefaults = { streamName: 'ESCROW', subjectPrefix: 'escrow', checkpointName: 'nats-relay' } as const;
/** Events per window: what a crash can leave published but not checkpointed, and republish. */
export const relayBatchSizeMax = 256;
export const relayIdleWaitMs = 500;
/** NATS failures in a row before the relay gives up and lets the worker restart it afresh. */
export const relayAttemptCountMax = 8;
export const relayRetryBaseMs = 100;
export const relayRetryCapMs = 10_000;
const relayRetryBackoff: Backoff = { baseMs: relayRetryBaseMs, capMs: relayRetryCapMs, jitter: 'proportional' };
export const relayConnectTimeoutMs = 5_000;
export const relayReconnectWaitMs = 1_000;

export interface NatsRelayOptions {
  /** One server URL, a comma-separated list (NATS_URL for a cluster), or a list. */
  readonly servers: string | readonly string[];
  readonly streamName?: string;
  readonly subjectPrefix?: string;
  readonly checkpointName?: string;
  readonly duplicateWindowMs?: number;
  /** Called after each window's acks, before its checkpoint is written (metrics, tests). */
  readonly onWindow?: (ack: WindowAck) => void;
}

export interface NatsRelayStats {
  readonly windows: number;
  readonly stored: number;
  /** Republished events JetStream dropped by message id: the windows a crash left unrecorded. */
  readonly duplicates: number;
  readonly storedOutOfOrder: number;
  readonly retries: number;
}

/**
 * Publishes every event of the log, in log order, to a JetStream stream, resuming from its
 * checkpoint: read a batch, publish it as one window, wait for every PubAck, then move the
 * checkpoint. At least once, made exactly once in the stream by the event id as `Nats-Msg-Id`,
 * as long as a republish falls within the stream's duplicate window.
 */
export class NatsRelay {
  private readonly logger = new Logger('NatsRelay');
  private readonly servers: string[];
  private readonly target: RelayTarget;
  private readonly checkpointName: string;
  private loop: PollLoop | null = null;
  private connection: NatsConnection | null = null;
  private js: JetStreamClient | null = null;
  private position: string | null = null;
  private counters = { windows: 0, stored: 0, duplicates: 0, storedOutOfOrder: 0, retries: 0 };

  constructor(
    private readonly store: EventStore,
    private readonly db: SqlDb,
    private readonly options: NatsRelayOptions,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {
    const servers = typeof options.servers === 'string' ? options.servers.split(',') : options.servers;
    this.servers = servers.map((server) => server.trim()).filter((server) => server !== '');
    assert(this.servers.length > 0, 'the NATS relay has a server to connect to');
    this.target = {
      streamName: options.streamName ?? natsRelayDefaults.streamName,
      subjectPrefix: options.subjectPrefix ?? natsRelayDefaults.subjectPrefix,
    };
    assertSubjectPrefix(this.target.subjectPrefix);
    this.checkpointName = options.checkpointName ?? natsRelayDefaults.checkpointName;
  }

  start(): void {
    assert(this.loop === null, 'the NATS relay is stopped before it starts again');
    this.loop = PollLoop.start({
      idleMs: relayIdleWaitMs,
      wakeSource: this.store.appendWatcher(),
      setUp: (loop) => this.open(loop),
      round: (loop) => this.relayNext(loop),
      tearDown: () => this.close(),
      onError: this.onError,
    });
  }

  /** Safe at any time, also before `start`; resolves once the connection is closed. */
  async stop(): Promise<void> {
    await this.loop?.stop();
    this.loop = null;
  }

  get checkpoint(): string | null {
    return this.position;
  }

  get stats(): NatsRelayStats {
    return { ...this.counters };
  }

  /** The checkpoint, the connection and the stream, each retried; left undone when the relay stops meanwhile. */
  private async open(loop: LoopControl): Promise<void> {
    this.position = await prepareRelayCheckpoint(this.db, this.checkpointName);
    const connection = await this.withRetries(loop, 'connecting to NATS', () => this.connect());
    if (!connection) return;
    this.connection = connection;
    const ready = await this.withRetries(loop, 'setting up the JetStream stream', async () => {
      await ensureRelayStream(await jetstreamManager(connection), {
        ...this.target,
        duplicateWindowMs: this.options.duplicateWindowMs ?? relayDuplicateWindowMs,
      });
      return true;
    });
    if (ready) this.js = jetstream(connection);
  }

  private async close(): Promise<void> {
    this.js = null;
    await this.connection?.close().catch(() => undefined);
    this.connection = null;
  }

  private connect(): Promise<NatsConnection> {
    return connect({
      servers: this.servers,
      name: 'escrow-nats-relay',
      timeout: relayConnectTimeoutMs,
      // Once connected the client reconnects by itself; publishes meanwhile time out and the
      // window is retried.
      maxReconnectAttempts: -1,
      reconnectTimeWait: relayReconnectWaitMs,
    });
  }

  /** One batch of the log as one window; true when it was full, so more may be waiting. */
  private async relayNext(loop: LoopControl): Promise<boolean> {
    assert(this.js !== null, 'the relay publishes once its stream is set up');
    const batch = await this.store.readAll({ fromPosition: this.position, limit: relayBatchSizeMax });
    if (batch.length > 0) await this.relayBatch(loop, this.js, batch);
    return batch.length === relayBatchSizeMax;
  }

  /**
   * One window, retried from its first unacknowledged event. Only acknowledged events are
   * checkpointed, so a crash at any point republishes at most this window.
   */
  private async relayBatch(loop: LoopControl, js: JetStreamClient, batch: readonly RecordedEvent[]): Promise<void> {
    assert(comparePositions(this.position, batch[0]!.position) < 0, 'relay batches move forward');
    let rest = batch;
    for (let attempt = 1; loop.running; attempt++) {
      const ack = await publishWindow(js, this.target, rest);
      this.record(ack);
      if (ack.ackedCount > 0 && !(await this.advance(rest[ack.ackedCount - 1]!.position))) return;
      if (ack.error === null) return;
      if (attempt >= relayAttemptCountMax) throw ack.error;
      this.logger.warn(`publishing to JetStream failed (attempt ${attempt} of ${relayAttemptCountMax}), retrying: ${messageOf(ack.error)}`);
      this.counters.retries += 1;
      rest = rest.slice(ack.ackedCount);
      await loop.pause(backoffMs(relayRetryBackoff, attempt));
    }
  }

  /** False when another relay had moved the checkpoint: this one then reads from there. */
  private async advance(to: string): Promise<boolean> {
    const stored = await advanceRelayCheckpoint(this.db, this.checkpointName, this.position, to);
    if (stored !== to) this.logger.warn(`checkpoint ${this.checkpointName} was moved by another relay; continuing from there`);
    this.position = stored;
    return stored === to;
  }

  private record(ack: WindowAck): void {
    this.counters.windows += 1;
    this.counters.stored += ack.storedCount;
    this.counters.duplicates += ack.duplicateCount;
    this.counters.storedOutOfOrder += ack.storedOutOfOrder;
    if (ack.storedOutOfOrder > 0) this.logger.error(`${ack.storedOutOfOrder} events reached JetStream ahead of an earlier event that failed`);
    this.options.onWindow?.(ack);
  }

  /** Runs `op` until it succeeds, backing off in between; null when the relay stopped meanwhile. */
  private async withRetries<T>(loop: LoopControl, what: string, op: () => Promise<T>): Promise<T | null> {
    for (let attempt = 1; loop.running; attempt++) {
      try {
        return await op();
      } catch (error) {
        if (attempt >= relayAttemptCountMax) throw error;
        this.logger.warn(`${what} failed (attempt ${attempt} of ${relayAttemptCountMax}), retrying: ${messageOf(error)}`);
        this.counters.retries += 1;
        await loop.pause(backoffMs(relayRetryBackoff, attempt));
      }
    }
    return null;
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
