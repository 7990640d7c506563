import type { SqlDb } from '@escrow/sql';

/**
 * Database faults at the relay's checkpoint write, the step between "JetStream acknowledged the
 * window" and "the log position is recorded": a crash there is what makes a restarted relay
 * publish events again.
 */
const checkpointWrite = /^\s*update projection_checkpoints/;

/** The next checkpoint write after `arm()` fails: the relay stops as a crashed process would. */
export function checkpointCrashes(db: SqlDb): { db: SqlDb; arm(): void; readonly crashes: number } {
  let armed = false;
  let crashes = 0;
  const faulty = beforeCheckpointWrites(db, async () => {
    if (!armed) return;
    armed = false;
    crashes += 1;
    throw new Error('simulated crash between publishing and writing the checkpoint');
  });
  return {
    db: faulty,
    arm: () => (armed = true),
    get crashes() {
      return crashes;
    },
  };
}

/** Every checkpoint write waits `delayMs` first, as on a slow database. */
export function slowCheckpoints(db: SqlDb, delayMs: number): SqlDb {
  return beforeCheckpointWrites(db, () => new Promise((resolve) => setTimeout(resolve, delayMs)));
}

function beforeCheckpointWrites(db: SqlDb, before: () => Promise<void>): SqlDb {
  return {
    kind: db.kind,
    async query<Row>(sql: string, params?: readonly unknown[]) {
      if (checkpointWrite.test(sql)) await before();
      return db.query<Row>(sql, params);
    },
    exec: (sql) => db.exec(sql),
    transaction: (work) => db.transaction(work),
    listen: (channel, onNotify) => db.listen(channel, onNotify),
    close: () => db.close(),
  };
}
