import { assert } from '@escrow/domain';
import { migrate, type SqlDb, type SqlExecutor } from '@escrow/sql';

const checkpointSchema = `
create table if not exists projection_checkpoints (
  name       text primary key,
  position   text,
  updated_at timestamptz not null default now()
);`;

export async function ensureCheckpointSchema(db: SqlDb): Promise<void> {
  await migrate(db, 'projection_checkpoints_schema', checkpointSchema);
}

export async function readCheckpoint(db: SqlExecutor, name: string): Promise<string | null> {
  const { rows } = await db.query<{ position: string | null }>('select position from projection_checkpoints where name = $1', [name]);
  return rows[0]?.position ?? null;
}

export async function writeCheckpoint(tx: SqlExecutor, name: string, position: string | null): Promise<void> {
  await tx.query(
    `insert into projection_checkpoints (name, position, updated_at) values ($1, $2, now())
     on conflict (name) do update set position = excluded.position, updated_at = now()`,
    [name, position],
  );
}

export async function ensureCheckpointRow(db: SqlExecutor, name: string): Promise<void> {
  await db.query('insert into projection_checkpoints (name, position) values ($1, null) on conflict (name) do nothing', [name]);
}

/** The stored position, with the row locked until the transaction ends. */
export async function lockCheckpoint(tx: SqlExecutor, name: string): Promise<string | null> {
  const { rows } = await tx.query<{ position: string | null }>('select position from projection_checkpoints where name = $1 for update', [name]);
  assert(rows.length === 1, `projection ${name} has a checkpoint row`);
  return rows[0]!.position;
}

/**
 * Several read models' stored positions, their rows locked until the transaction ends, by one
 * statement; rows are locked in name order (C collation, as the runners sort names), so two
 * lockers of overlapping sets never wait on each other in a cycle.
 */
export async function lockCheckpoints(tx: SqlExecutor, names: readonly string[]): Promise<Map<string, string | null>> {
  const { rows } = await tx.query<{ name: string; position: string | null }>(
    'select name, position from projection_checkpoints where name = any($1::text[]) order by name collate "C" for update',
    [[...names]],
  );
  const stored = new Map(rows.map((row) => [row.name, row.position]));
  for (const name of names) assert(stored.has(name), `projection ${name} has a checkpoint row`);
  return stored;
}

/** Moves several (locked) checkpoints in one statement. */
export async function writeCheckpoints(tx: SqlExecutor, positions: readonly (readonly [name: string, position: string])[]): Promise<void> {
  await tx.query(
    `update projection_checkpoints c set position = v.position, updated_at = now()
     from unnest($1::text[], $2::text[]) as v(name, position) where c.name = v.name`,
    [positions.map(([name]) => name), positions.map(([, position]) => position)],
  );
}
