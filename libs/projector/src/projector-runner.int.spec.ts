import { PostgresEventStore } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase } from '../../../test/support/databases';
import { withNumberedLog } from '../../../test/support/numbered-log';
import { catchUpToCommitted } from '../../../test/support/catch-up';
import type { Projection } from './projection';
import { ProjectorRunner } from './projector-runner';
import { rebuildProjection } from './rebuild';
import { readCheckpoint } from './checkpoints';

/** A read model whose primary key is the event id: applying any event twice fails loudly. */
function countingProjection(failOn?: { n: number }): Projection {
  return {
    name: 'test-counting',
    schema: 'create table if not exists test_counted (event_id uuid primary key, n int not null);',
    tables: ['test_counted'],
    async applyBatch(tx, events) {
      for (const event of events) {
        const n = (event.data as { n: number }).n;
        if (failOn && n === failOn.n) throw new Error(`projection cannot handle event ${n}`);
        await tx.query('insert into test_counted (event_id, n) values ($1::uuid, $2)', [event.eventId, n]);
      }
    },
  };
}

describeEachDatabase('ProjectorRunner', (target) => {
  const log = withNumberedLog(target);
  const { appendNumbered } = log;
  let db: SqlDb;
  let store: PostgresEventStore;
  beforeEach(() => ({ db, store } = log));
  const counted = async () => (await db.query<{ n: number }>('select n from test_counted order by n')).rows.map((r) => r.n);

  it('applies every event once and resumes from its checkpoint after a restart', async () => {
    await appendNumbered(0, 30);
    const first = new ProjectorRunner(store, db, countingProjection());
    await first.prepare();
    expect(await catchUpToCommitted(first, store)).toBe(30);

    await appendNumbered(30, 5);
    const restarted = new ProjectorRunner(store, db, countingProjection());
    await restarted.prepare();
    expect(restarted.checkpoint).toBe(first.checkpoint);
    expect(await catchUpToCommitted(restarted, store)).toBe(5);
    expect(await counted()).toEqual(Array.from({ length: 35 }, (_, n) => n));
    expect(await readCheckpoint(db, 'test-counting')).toBe((await store.committedHeadPosition()) ?? 'none');
  });

  it('takes turns when its loop and catch-ups in the same process run at once: each event applied once', async () => {
    await appendNumbered(0, 40);
    const runner = new ProjectorRunner(store, db, countingProjection());
    await runner.prepare();
    runner.start();
    const together = await Promise.all([runner.catchUp(undefined, 7), runner.catchUp(undefined, 5), runner.catchUp(undefined, 3)]);
    await runner.stop();
    await catchUpToCommitted(runner, store);
    expect(together.reduce((sum, applied) => sum + applied, 0)).toBeLessThanOrEqual(40);
    expect(await counted()).toEqual(Array.from({ length: 40 }, (_, n) => n));
  });

  it('rolls back a whole batch and keeps the checkpoint when the projection fails, then resumes exactly once', async () => {
    await appendNumbered(0, 10);
    const failing = new ProjectorRunner(store, db, countingProjection({ n: 7 }));
    await failing.prepare();
    await expect(catchUpToCommitted(failing, store)).rejects.toThrow('cannot handle event 7');
    expect(await counted()).toEqual([]);
    expect(await readCheckpoint(db, 'test-counting')).toBeNull();

    const fixed = new ProjectorRunner(store, db, countingProjection());
    await fixed.prepare();
    expect(await catchUpToCommitted(fixed, store)).toBe(10);
    expect(await counted()).toEqual(Array.from({ length: 10 }, (_, n) => n));
  });

  it('follows the log live and answers read-your-writes waits', async () => {
    const errors: unknown[] = [];
    const runner = new ProjectorRunner(store, db, countingProjection(), (e) => errors.push(e));
    await runner.prepare();
    runner.start();
    await appendNumbered(0, 3);
    const head = (await store.committedHeadPosition())!;
    expect(await ProjectorRunner.waitForPosition(db, 'test-counting', head, 10_000)).toBe(true);
    expect(await counted()).toEqual([0, 1, 2]);
    await runner.stop();
    await appendNumbered(3, 1);
    expect(await ProjectorRunner.waitForPosition(db, 'test-counting', (await store.committedHeadPosition())!, 100)).toBe(false);
    expect(errors).toEqual([]);
  });

  it('rebuilds from position 0 while a live runner keeps going, applying each event exactly once', async () => {
    await appendNumbered(0, 1200);
    const live = new ProjectorRunner(store, db, countingProjection());
    await live.prepare();
    live.start();
    const rebuilding = rebuildProjection(store, db, countingProjection());
    await appendNumbered(1200, 50);
    await rebuilding;
    expect(await ProjectorRunner.waitForPosition(db, 'test-counting', (await store.committedHeadPosition())!, 20_000)).toBe(true);
    await live.stop();
    expect(await counted()).toEqual(Array.from({ length: 1250 }, (_, n) => n));
  });
});
