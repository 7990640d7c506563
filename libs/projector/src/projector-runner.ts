import { assert } from '@escrow/domain';
import { comparePositions, type EventStore, type RecordedEvent } from '@escrow/event-store';
import { PollLoop } from '@escrow/jobs';
import { sleep } from '@escrow/retry';
import { migrate, type SqlDb } from '@escrow/sql';
import { applyAtCheckpoint } from './apply-at-checkpoint';
import { ensureCheckpointRow, ensureCheckpointSchema, readCheckpoint } from './checkpoints';
import type { Projection } from './projection';

/** Small transactions: an open projector transaction holds back every other reader of the log. */
export const projectorBatchSizeMax = 500;
/** Rebuilds run alone on their read model, so they may take bigger (still bounded) batches. */
export const rebuildBatchSizeMax = 2_000;
export const projectorIdleWaitMs = 500;
export const catchUpPollIntervalMs = 20;

/** Creates the read model's tables and checkpoint row when missing; answers its stored checkpoint. */
export async function prepareProjection(db: SqlDb, projection: Projection): Promise<string | null> {
  await ensureCheckpointSchema(db);
  if (projection.schema !== '') await migrate(db, `projection_schema_${projection.name}`, projection.schema);
  await ensureCheckpointRow(db, projection.name);
  return readCheckpoint(db, projection.name);
}

/**
 * Feeds one projection from the log: each batch of events and the checkpoint after it commit in
 * one transaction, so a crash anywhere resumes exactly where the read model stands.
 */
export class ProjectorRunner {
  private loop: PollLoop | null = null;
  private position: string | null = null;
  private failure: unknown = null;
  /** The runner's turns: a batch is read and applied before the next one is read. */
  private turn: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly store: EventStore,
    private readonly db: SqlDb,
    readonly projection: Projection,
    private readonly onError: (error: unknown) => void = () => undefined,
  ) {}

  async prepare(): Promise<void> {
    this.position = await prepareProjection(this.db, this.projection);
  }

  start(): void {
    assert(!this.loop?.running, `projector ${this.projection.name} starts once`);
    this.loop = PollLoop.start({
      idleMs: projectorIdleWaitMs,
      wakeSource: this.store.appendWatcher(),
      round: () => this.next(),
      onError: (error) => {
        this.failure = error;
        this.onError(error);
      },
    });
  }

  async stop(): Promise<void> {
    await this.loop?.stop();
    this.loop = null;
  }

  get checkpoint(): string | null {
    return this.position;
  }

  /** Applies everything readable now; returns the number of events applied. Used by rebuilds. */
  async catchUp(onBatch?: (applied: number, last: RecordedEvent) => void, batchSize = projectorBatchSizeMax): Promise<number> {
    assert(batchSize > 0 && batchSize <= rebuildBatchSizeMax, `catch up in batches of 1 to ${rebuildBatchSizeMax}`);
    let applied = 0;
    for (;;) {
      const step = await this.readAndApply(batchSize);
      if (step.read === 0) return applied;
      applied += step.applied;
      onBatch?.(applied, step.last!);
    }
  }

  /** One batch from the checkpoint; true when it was full, so more may be waiting. */
  private async next(): Promise<boolean> {
    const step = await this.readAndApply(projectorBatchSizeMax);
    return step.read === projectorBatchSizeMax;
  }

  /**
   * Reads and applies one batch in this runner's turn: the poll loop and a caller's catch-up (or
   * two catch-ups) in one process would otherwise read from the same position and the second
   * would apply a batch the first already moved past.
   */
  private readAndApply(limit: number): Promise<{ read: number; applied: number; last: RecordedEvent | undefined }> {
    const step = this.turn.then(async () => {
      const batch = await this.store.readAll({ fromPosition: this.position, limit });
      const applied = batch.length > 0 && (await this.applyBatch(batch)) ? batch.length : 0;
      return { read: batch.length, applied, last: batch.at(-1) };
    });
    this.turn = step.catch(() => undefined);
    return step;
  }

  /** Applies a batch where the stored checkpoint still stands (see applyAtCheckpoint); true when it did. */
  private async applyBatch(batch: readonly RecordedEvent[]): Promise<boolean> {
    assert(comparePositions(this.position, batch[0]!.position) < 0, 'batches move forward');
    const from = this.position;
    const outcome = await this.db.transaction((tx) => applyAtCheckpoint(tx, this.projection, from, batch));
    this.position = outcome.position;
    return !outcome.moved;
  }

  /**
   * Read-your-writes: resolves true once this read model has applied `position`, false when
   * `timeoutMs` passes first. Reads the stored checkpoint, so it also works in a process that
   * only serves the API while another runs the projector.
   */
  static async waitForPosition(db: SqlDb, name: string, position: string, timeoutMs: number): Promise<boolean> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (comparePositions(await readCheckpoint(db, name), position) >= 0) return true;
      if (Date.now() >= deadline) return false;
      await sleep(catchUpPollIntervalMs);
    }
  }

  get lastError(): unknown {
    return this.failure;
  }
}
