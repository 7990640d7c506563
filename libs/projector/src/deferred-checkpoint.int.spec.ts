import { randomUUID } from 'node:crypto';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, withDatabase } from '../../../test/support/databases';
import { ensureCheckpointSchema, readCheckpoint } from './checkpoints';
import { DeferredCheckpoint } from './deferred-checkpoint';

const position = (n: number) => `${String(1).padStart(20, '0')}-${String(n).padStart(20, '0')}`;

/** The db with its checkpoint writes counted, and refused while `refusing` is set. */
function countingWrites(db: SqlDb) {
  const state = { writes: 0, refusing: false };
  const counting = Object.create(db) as SqlDb;
  counting.query = ((sql: string, params?: unknown[]) => {
    if (sql.includes('insert into projection_checkpoints')) {
      if (state.refusing) return Promise.reject(new Error('database unavailable'));
      state.writes++;
    }
    return db.query(sql, params);
  }) as SqlDb['query'];
  return { db: counting, state };
}

describeEachDatabase('DeferredCheckpoint', (target) => {
  const database = withDatabase(target);
  beforeAll(async () => {
    await ensureCheckpointSchema(database.db);
  });

  it('writes many passed positions as one, the latest, once the delay is over', async () => {
    const name = `deferred-${randomUUID()}`;
    const { db, state } = countingWrites(database.db);
    const errors: unknown[] = [];
    const checkpoint = new DeferredCheckpoint(db, name, 50, (error) => errors.push(error));
    for (let n = 1; n <= 200; n++) checkpoint.passed(position(n));
    expect(await readCheckpoint(database.db, name)).toBeNull();
    await new Promise((resolve) => setTimeout(resolve, 200));
    await checkpoint.flush();
    expect(await readCheckpoint(database.db, name)).toBe(position(200));
    expect(state.writes).toBe(1);
    expect(errors).toEqual([]);
  });

  it('flush writes at once what is pending, and nothing when nothing is', async () => {
    const name = `deferred-${randomUUID()}`;
    const { db, state } = countingWrites(database.db);
    const checkpoint = new DeferredCheckpoint(db, name, 60_000, () => undefined);
    checkpoint.passed(position(7));
    await checkpoint.flush();
    expect(await readCheckpoint(database.db, name)).toBe(position(7));
    await checkpoint.flush();
    expect(state.writes).toBe(1);
  });

  it('keeps a position whose write failed for the next write, and reports the failure', async () => {
    const name = `deferred-${randomUUID()}`;
    const { db, state } = countingWrites(database.db);
    const errors: unknown[] = [];
    const checkpoint = new DeferredCheckpoint(db, name, 60_000, (error) => errors.push(error));
    checkpoint.passed(position(3));
    state.refusing = true;
    await checkpoint.flush();
    expect(errors).toHaveLength(1);
    expect(await readCheckpoint(database.db, name)).toBeNull();
    state.refusing = false;
    await checkpoint.flush();
    expect(await readCheckpoint(database.db, name)).toBe(position(3));
    // A later position passed while a write failed wins over the failed one.
    checkpoint.passed(position(4));
    state.refusing = true;
    const failing = checkpoint.flush();
    checkpoint.passed(position(5));
    await failing;
    state.refusing = false;
    await checkpoint.flush();
    expect(await readCheckpoint(database.db, name)).toBe(position(5));
  });
});
