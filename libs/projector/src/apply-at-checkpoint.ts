import { comparePositions, type RecordedEvent } from '@escrow/event-store';
import type { SqlExecutor } from '@escrow/sql';
import { lockCheckpoints, writeCheckpoints } from './checkpoints';
import type { Projection } from './projection';

/** Where a read model stands after `applyAtCheckpoint`, and whether someone else had moved it. */
export interface CheckpointOutcome {
  /** True when the stored checkpoint was not where the caller left it: nothing was applied. */
  readonly moved: boolean;
  readonly position: string | null;
  readonly applied: number;
}

/**
 * Inside `tx`: applies the events of `batch` after `from` to the read model, and moves its
 * checkpoint past them, only if the stored checkpoint is still `from`. A rebuild (or another
 * applier) may have moved it: then nothing is applied and the stored position is answered, so two
 * appliers of one read model never apply an event twice. The checkpoint row stays locked until
 * `tx` ends.
 */
export async function applyAtCheckpoint(
  tx: SqlExecutor,
  projection: Projection,
  from: string | null,
  batch: readonly RecordedEvent[],
): Promise<CheckpointOutcome> {
  const [outcome] = await applyAllAtCheckpoints(tx, [{ projection, position: from }], batch);
  return outcome!;
}

/**
 * `applyAtCheckpoint` for several read models in one transaction, with two statements for all
 * their checkpoints instead of two each: every row locked first (in name order), each read model
 * applied where its stored checkpoint is still where the caller left it, the moved ones written
 * together. Outcomes in the order of `appliers`.
 */
export async function applyAllAtCheckpoints(
  tx: SqlExecutor,
  appliers: readonly { readonly projection: Projection; readonly position: string | null }[],
  batch: readonly RecordedEvent[],
): Promise<CheckpointOutcome[]> {
  const stored = await lockCheckpoints(tx, appliers.map((applier) => applier.projection.name));
  const moved: [string, string][] = [];
  const outcomes: CheckpointOutcome[] = [];
  for (const { projection, position: from } of appliers) {
    const at = stored.get(projection.name) ?? null;
    if (at !== from) {
      outcomes.push({ moved: true, position: at, applied: 0 });
      continue;
    }
    const events = eventsAfter(batch, from);
    if (events.length === 0) {
      outcomes.push({ moved: false, position: from, applied: 0 });
      continue;
    }
    await projection.applyBatch(tx, events);
    const position = events[events.length - 1]!.position;
    moved.push([projection.name, position]);
    outcomes.push({ moved: false, position, applied: events.length });
  }
  if (moved.length > 0) await writeCheckpoints(tx, moved);
  return outcomes;
}

/** The tail of a batch (in log order) after `from`. */
export function eventsAfter(batch: readonly RecordedEvent[], from: string | null): readonly RecordedEvent[] {
  if (from === null) return batch;
  let first = 0;
  while (first < batch.length && comparePositions(batch[first]!.position, from) <= 0) first++;
  return first === 0 ? batch : batch.slice(first);
}

/** The lowest position among appliers (null, nothing applied yet, is the lowest of all): where a shared read starts. */
export function lowestPosition(appliers: readonly { readonly position: string | null }[]): string | null {
  let lowest = appliers[0]!.position;
  for (const applier of appliers) if (comparePositions(applier.position, lowest) < 0) lowest = applier.position;
  return lowest;
}
