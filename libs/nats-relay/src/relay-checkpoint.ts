import { ensureCheckpointRow, ensureCheckpointSchema, readCheckpoint } from '@escrow/projector';
import type { SqlDb } from '@escrow/sql';

/**
 * The relay keeps its position in `projection_checkpoints`, beside the projections and the saga.
 * Each write is one statement on its own (no transaction spans a NATS call), and it moves the
 * checkpoint only from where this relay last saw it: a second relay (another worker process)
 * that moved it meanwhile is noticed, and this one continues from the stored position instead
 * of dragging the checkpoint back.
 */
export async function prepareRelayCheckpoint(db: SqlDb, name: string): Promise<string | null> {
  await ensureCheckpointSchema(db);
  await ensureCheckpointRow(db, name);
  return readCheckpoint(db, name);
}

/** Returns the position now stored: `to`, or another relay's position when it had moved. */
export async function advanceRelayCheckpoint(db: SqlDb, name: string, from: string | null, to: string): Promise<string | null> {
  const { rowCount } = await db.query(
    `update projection_checkpoints set position = $3, updated_at = now()
     where name = $1 and position is not distinct from $2`,
    [name, from, to],
  );
  return rowCount === 1 ? to : readCheckpoint(db, name);
}
