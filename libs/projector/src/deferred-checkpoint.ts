import type { SqlDb } from '@escrow/sql';
import { writeCheckpoint } from './checkpoints';

/**
 * A per-event subscriber's checkpoint, written at most once every `delayMs` (and on `flush`)
 * instead of after every event: one commit for many events under load. Only for subscribers
 * whose handling is idempotent, since a crash replays what was handled after the last write
 * (the payment saga: every effect and outcome is keyed by the event that caused it).
 * Positions are passed in log order by one subscriber; writes go out one at a time, in order.
 */
export class DeferredCheckpoint {
  private pending: string | null = null;
  private timer: NodeJS.Timeout | null = null;
  private writing: Promise<void> = Promise.resolve();

  constructor(
    private readonly db: SqlDb,
    private readonly name: string,
    private readonly delayMs: number,
    /** A failed write: the position stays pending for the next one (nothing is lost but a replay). */
    private readonly onWriteError: (error: unknown) => void,
  ) {}

  /** Every event up to `position` is handled. */
  passed(position: string): void {
    this.pending = position;
    if (this.timer !== null) return;
    this.timer = setTimeout(() => {
      this.timer = null;
      void this.flush();
    }, this.delayMs);
    // A pending write never holds the process open; stop() flushes it.
    this.timer.unref();
  }

  /** Writes the latest passed position now (if not written yet); resolves once it is stored. */
  flush(): Promise<void> {
    if (this.timer !== null) {
      clearTimeout(this.timer);
      this.timer = null;
    }
    this.writing = this.writing.then(async () => {
      const position = this.pending;
      if (position === null) return;
      this.pending = null;
      try {
        await writeCheckpoint(this.db, this.name, position);
      } catch (error) {
        // Unless a later position came meanwhile, this one is still to be written.
        this.pending ??= position;
        this.onWriteError(error);
      }
    });
    return this.writing;
  }
}
