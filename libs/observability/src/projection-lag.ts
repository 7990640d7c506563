import { assert } from '@escrow/domain';
import type { EventStore } from '@escrow/event-store';
import { projectionLagEventsCountMax } from '@escrow/runtime';
import type { SqlExecutor } from '@escrow/sql';

/** How far one read model is behind the log. */
export interface ReadModelLag {
  readonly readModel: string;
  readonly checkpoint: string | null;
  /** Events after its checkpoint, counted up to `projectionLagEventsCountMax` (that value means "at least"). */
  readonly events: number;
  /** Age of the oldest event it has not applied; 0 when caught up. */
  readonly seconds: number;
}

/**
 * Projection lag, read from the checkpoints every process shares (`projection_checkpoints`), not
 * from a runner in memory: an api process without a worker reports the lag of the read models it
 * serves. One bounded log read per distinct checkpoint (read models fed by one group share it);
 * caught up, that read is empty.
 */
export async function readModelLags(
  db: SqlExecutor,
  store: EventStore,
  readModels: readonly string[],
  nowMs: number,
): Promise<ReadModelLag[]> {
  const checkpoints = await checkpointsOf(db, readModels);
  const behindByCheckpoint = new Map<string | null, Promise<{ events: number; seconds: number }>>();
  const lags: ReadModelLag[] = [];
  for (const readModel of readModels) {
    const checkpoint = checkpoints.get(readModel) ?? null;
    let behind = behindByCheckpoint.get(checkpoint);
    if (!behind) {
      behind = behindAt(store, checkpoint, nowMs);
      behindByCheckpoint.set(checkpoint, behind);
    }
    lags.push({ readModel, checkpoint, ...(await behind) });
  }
  return lags;
}

async function behindAt(store: EventStore, checkpoint: string | null, nowMs: number): Promise<{ events: number; seconds: number }> {
  const unapplied = await store.readAll({ fromPosition: checkpoint, limit: projectionLagEventsCountMax });
  const oldest = unapplied[0];
  if (!oldest) return { events: 0, seconds: 0 };
  const recordedMs = Date.parse(oldest.recordedAt);
  assert(Number.isFinite(recordedMs), 'a recorded event has a recording time');
  return { events: unapplied.length, seconds: Math.max(0, (nowMs - recordedMs) / 1000) };
}

/** A read model that never ran has no row (or no table yet): it is behind by the whole log. */
async function checkpointsOf(db: SqlExecutor, readModels: readonly string[]): Promise<Map<string, string | null>> {
  const { rows: tables } = await db.query<{ present: boolean }>(`select to_regclass('projection_checkpoints') is not null as present`);
  if (!tables[0]?.present) return new Map();
  const { rows } = await db.query<{ name: string; position: string | null }>(
    'select name, position from projection_checkpoints where name = any($1::text[])',
    [readModels],
  );
  return new Map(rows.map((row) => [row.name, row.position]));
}
