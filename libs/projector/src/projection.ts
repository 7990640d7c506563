import type { RecordedEvent } from '@escrow/event-store';
import type { SqlExecutor } from '@escrow/sql';

/**
 * A read model fed from the global log. `applyBatch` runs inside the runner's transaction, together
 * with the checkpoint update, so each event takes effect exactly once.
 */
export interface Projection {
  readonly name: string;
  /** Idempotent DDL for the read model's tables ('' when they are a versioned migration's). */
  readonly schema: string;
  /** Tables a rebuild empties before replaying from position 0. */
  readonly tables: readonly string[];
  /**
   * The events, in log order, in a few statements per batch rather than a few per event (what
   * makes rebuilds fast). Any batch size leaves the same rows and fails with the same message:
   * each read model's `*.batch.int.spec.ts` compares sizes against each other.
   */
  applyBatch(tx: SqlExecutor, events: readonly RecordedEvent[]): Promise<void>;
}
