import type { RecordedEvent } from '@escrow/event-store';
import type { Projection } from '@escrow/projector';
import type { SqlDb } from '@escrow/sql';
import { emptySchema } from './databases';

/**
 * For the `*.batch.int.spec.ts` specs: a read model's `applyBatch` must leave the same rows, and
 * fail with the same message, whatever the batch size. Batches of 1 are the per-event behaviour
 * (what the runner does with a log that grows one event at a time); larger sizes cut across
 * contracts and milestones.
 */

/** The projection's tables, empty: the schema dropped with everything in it, then its DDL. */
export async function emptyReadModel(db: SqlDb, projection: Projection): Promise<void> {
  await emptySchema(db);
  await db.exec(projection.schema);
}

/**
 * `events` cut into batches, each applied in a transaction of its own. `size` may be a list of
 * sizes, used in turn (uneven batches).
 */
export async function applyInBatches(db: SqlDb, projection: Projection, events: readonly RecordedEvent[], size: number | readonly number[]): Promise<void> {
  const sizes = typeof size === 'number' ? [size] : size;
  for (let i = 0, k = 0; i < events.length; k++) {
    const batch = events.slice(i, i + sizes[k % sizes.length]!);
    await db.transaction((tx) => projection.applyBatch(tx, batch));
    i += batch.length;
  }
}

/** `events` in one transaction, in batches of `size` (so a failure rolls back all of them). */
export async function applyInOneTransaction(db: SqlDb, projection: Projection, events: readonly RecordedEvent[], size: number): Promise<void> {
  await db.transaction(async (tx) => {
    for (let i = 0; i < events.length; i += size) await projection.applyBatch(tx, events.slice(i, i + size));
  });
}

/** "Name: message" of what `work` rejects with, or 'no failure'. */
export async function failureOf(work: Promise<unknown>): Promise<string> {
  try {
    await work;
  } catch (error) {
    return `${(error as Error).name}: ${(error as Error).message}`;
  }
  return 'no failure';
}
