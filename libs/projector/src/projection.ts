import type { RecordedEvent } from '@escrow/event-store';
import type { SqlExecutor } from '@escrow/sql';

/**
 * A read model fed from the global log. `apply` runs inside the runner's transaction, together
 * with the checkpoint update, so each event takes effect exactly once.
 */
export interface Projection {
  readonly name: string;
  /** Idempotent DDL for the read model's tables. */
  readonly schema: string;
  /** Tables a rebuild empties before replaying from position 0. */
  readonly tables: readonly string[];
  apply(tx: SqlExecutor, event: RecordedEvent): Promise<void>;
  /**
   * Optional: the same effect as `apply` on each event in order, in a few statements per batch
   * instead of a few per event — what makes rebuilds fast. The runner prefers it when present.
   */
  applyBatch?(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void>;
}
