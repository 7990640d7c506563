import { Pause } from '@escrow/retry';

/**
 * A wake-up source besides `wake()`: the event store's append watcher. `mark()` runs before each
 * round and `wait()` after an idle one, so a wake-up that came during the round is not lost.
 */
export interface WakeSource {
  mark(): void;
  wait(timeoutMs: number): Promise<void>;
}

/** What the loop's own callbacks see of it. */
export interface LoopControl {
  /** False once `stop()` was called: a round working through several items stops between them. */
  readonly running: boolean;
  /** A backoff that `stop()` cuts short; resolves false when it did. */
  pause(ms: number): Promise<boolean>;
}

export interface FailedRoundRetry {
  /** The wait before the next round after `failuresInRow` failed rounds in a row. */
  delayMs(failuresInRow: number): number;
  report(error: unknown, failuresInRow: number): void;
}

export interface PollLoopOptions {
  /** One round of work; resolves true when more may be waiting now, so the loop goes again at once. */
  readonly round: (loop: LoopControl) => Promise<boolean>;
  /** The wait after a round that found no more: what falls due without a wake-up is seen within this. */
  readonly idleMs: number;
  readonly wakeSource?: WakeSource;
  /** Runs once before the first round (a connection, a checkpoint); `stop()` cuts its pauses short. */
  readonly setUp?: (loop: LoopControl) => Promise<void>;
  /** Runs once when the loop ends, stopped or failed, after `setUp` was tried. */
  readonly tearDown?: () => Promise<void>;
  /**
   * Told of the failure that ended the loop (in `setUp`, a round, or `tearDown`). Loops owned by
   * `WorkerHost` end on a failure, and the host starts them again afresh from their checkpoints.
   */
  readonly onError: (error: unknown) => void;
  /** Instead of ending on a failed round, report it and go on after a delay. */
  readonly retryFailedRounds?: FailedRoundRetry;
}

/**
 * The one shape of every background loop in the worker: rounds of work, an idle wait between
 * them that `wake()` or a wake source ends early, and a `stop()` that cuts any wait short and
 * resolves once the round in hand has finished. One loop runs once: start a new one to restart.
 */
export class PollLoop implements LoopControl {
  private readonly pauses = new Pause();
  /** Set by `wake()`; cleared before each round, so a wake-up during a round skips the idle wait. */
  private woken = false;
  private stopping = false;
  private ended = false;
  /** Resolves when the loop has ended, stopped or failed; never rejects. */
  readonly done: Promise<void>;

  private constructor(private readonly options: PollLoopOptions) {
    this.done = this.run();
  }

  static start(options: PollLoopOptions): PollLoop {
    return new PollLoop(options);
  }

  get running(): boolean {
    return !this.stopping && !this.ended;
  }

  /** There is work now: end the idle wait, or skip the next one if a round is running. */
  wake(): void {
    this.woken = true;
    this.pauses.wake();
  }

  async stop(): Promise<void> {
    this.stopping = true;
    this.pauses.stop();
    await this.done;
  }

  async pause(ms: number): Promise<boolean> {
    return (await this.pauses.wait(ms)) !== 'stopped';
  }

  private async run(): Promise<void> {
    // Callbacks start after the constructor returned, so owners may hold the loop when they run.
    await Promise.resolve();
    try {
      await this.rounds();
    } catch (error) {
      this.ended = true;
      this.options.onError(error);
    } finally {
      this.ended = true;
    }
  }

  private async rounds(): Promise<void> {
    try {
      await this.options.setUp?.(this);
      let failuresInRow = 0;
      while (this.running) {
        this.woken = false;
        this.options.wakeSource?.mark();
        let more: boolean;
        try {
          more = await this.options.round(this);
          failuresInRow = 0;
        } catch (error) {
          const retry = this.options.retryFailedRounds;
          if (!retry) throw error;
          failuresInRow += 1;
          retry.report(error, failuresInRow);
          await this.pause(retry.delayMs(failuresInRow));
          continue;
        }
        if (!more && !this.woken && this.running) await this.idle();
      }
    } finally {
      await this.options.tearDown?.();
    }
  }

  private async idle(): Promise<void> {
    const { wakeSource, idleMs } = this.options;
    if (!wakeSource) {
      await this.pauses.wait(idleMs);
      return;
    }
    const waiting = this.pauses.wait(idleMs);
    await Promise.race([waiting, wakeSource.wait(idleMs)]);
    // The source woke us first: end our own timer too.
    this.pauses.wake();
  }
}
