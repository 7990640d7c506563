import type { EventStore } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { ensureCheckpointRow, ensureCheckpointSchema, lockCheckpoint, writeCheckpoint } from './checkpoints';
import type { Projection } from './projection';
import { ProjectorRunner, rebuildBatchSizeMax } from './projector-runner';

export interface RebuildProgress {
  readonly projection: string;
  readonly applied: number;
  readonly elapsedMs: number;
}

/**
 * Drops a read model's tables and replays it from position 0. Safe with the app running: the
 * reset waits for the checkpoint row lock (so no live batch is half-applied), and afterwards the
 * live runner and this replay each apply a batch only where the checkpoint stands.
 */
export async function rebuildProjection(
  store: EventStore,
  db: SqlDb,
  projection: Projection,
  onProgress: (progress: RebuildProgress) => void = () => undefined,
): Promise<RebuildProgress> {
  await ensureCheckpointSchema(db);
  await ensureCheckpointRow(db, projection.name);
  await db.transaction(async (tx) => {
    await lockCheckpoint(tx, projection.name);
    for (const table of projection.tables) await tx.exec(`drop table if exists ${table} cascade`);
    await tx.exec(projection.schema);
    await writeCheckpoint(tx, projection.name, null);
  });
  const runner = new ProjectorRunner(store, db, projection);
  await runner.prepare();
  const started = Date.now();
  const applied = await runner.catchUp(
    (count) => onProgress({ projection: projection.name, applied: count, elapsedMs: Date.now() - started }),
    rebuildBatchSizeMax,
  );
  const done = { projection: projection.name, applied, elapsedMs: Date.now() - started };
  onProgress(done);
  return done;
}
