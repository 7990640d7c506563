import type { EventStore, RecordedEvent } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { applyAllAtCheckpoints, lowestPosition } from './apply-at-checkpoint';
import { ensureCheckpointRow, ensureCheckpointSchema, lockCheckpoint, writeCheckpoint } from './checkpoints';
import type { Projection } from './projection';
import { rebuildBatchSizeMax } from './projector-runner';

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
  const [done] = await rebuildProjections(store, db, [projection], onProgress);
  return done!;
}

interface Rebuilding {
  readonly projection: Projection;
  position: string | null;
  applied: number;
}

/**
 * Rebuilds several read models of one database in ONE pass over the log: each is reset as
 * `rebuildProjection` does, then every batch is read once and applied to all of them (each where
 * its own checkpoint stands) in one transaction. The next batch is read while this one is
 * applied, so the database reads and writes at once. `onProgress` gets one entry per read model
 * after each batch; the answer is one per read model, in the order given.
 */
export async function rebuildProjections(
  store: EventStore,
  db: SqlDb,
  projections: readonly Projection[],
  onProgress: (progress: RebuildProgress) => void = () => undefined,
  batchSize = rebuildBatchSizeMax,
): Promise<RebuildProgress[]> {
  await ensureCheckpointSchema(db);
  // Rows locked in name order, like the live group's transactions: neither waits on the other in a cycle.
  const members: Rebuilding[] = [...projections]
    .sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0))
    .map((projection) => ({ projection, position: null, applied: 0 }));
  for (const { projection } of members) await ensureCheckpointRow(db, projection.name);
  await db.transaction(async (tx) => {
    for (const { projection } of members) {
      await lockCheckpoint(tx, projection.name);
      for (const table of projection.tables) await tx.exec(`drop table if exists ${table} cascade`);
      await tx.exec(projection.schema);
      await writeCheckpoint(tx, projection.name, null);
    }
  });

  const started = Date.now();
  const report = () => members.map(({ projection, applied }) => ({ projection: projection.name, applied, elapsedMs: Date.now() - started }));
  // A read left in flight when the pass ends (or fails) must not become an unhandled rejection.
  const read = (fromPosition: string | null) => {
    const batch = store.readAll({ fromPosition, limit: batchSize });
    batch.catch(() => undefined);
    return { from: fromPosition, batch };
  };
  let reading = read(null);
  for (;;) {
    // Each read model where its checkpoint stands: one another applier moved (a live runner, a
    // rebuild started meanwhile) may be behind the batch read ahead; read again from there.
    const lowest = lowestPosition(members);
    if (lowest !== reading.from) reading = read(lowest);
    const batch: readonly RecordedEvent[] = await reading.batch;
    if (batch.length === 0) break;
    const full = batch.length === batchSize;
    if (full) reading = read(batch.at(-1)!.position);
    await db.transaction(async (tx) => {
      const outcomes = await applyAllAtCheckpoints(tx, members, batch);
      members.forEach((member, index) => {
        member.position = outcomes[index]!.position;
        member.applied += outcomes[index]!.applied;
      });
    });
    for (const progress of report()) onProgress(progress);
    if (!full) break;
  }
  const done = report();
  for (const progress of done) onProgress(progress);
  return projections.map((projection) => done.find((progress) => progress.projection === projection.name)!);
}
