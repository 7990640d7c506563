import { PostgresEventStore } from '@escrow/event-store';
import type { SqlDb } from '@escrow/sql';
import { catchUpToCommitted } from '../../../test/support/catch-up';
import { describeEachDatabase } from '../../../test/support/databases';
import { withNumberedLog } from '../../../test/support/numbered-log';
import { ensureCheckpointSchema, readCheckpoint, writeCheckpoint } from './checkpoints';
import type { Projection } from './projection';
import { ProjectionGroupRunner, type LogFollower } from './projection-group-runner';
import { ProjectorRunner } from './projector-runner';
import { rebuildProjection, rebuildProjections } from './rebuild';

/** A read model keyed by event id (applying an event twice fails loudly); fails on `failOn.n` while it is set. */
function countingProjection(name: string, failOn: { n: number | null } = { n: null }): Projection {
  const table = `test_group_${name}`;
  return {
    name: `test-group-${name}`,
    schema: `create table if not exists ${table} (event_id uuid primary key, n int not null);`,
    tables: [table],
    async applyBatch(tx, events) {
      for (const event of events) {
        const n = (event.data as { n: number }).n;
        if (n === failOn.n) throw new Error(`${name} cannot handle event ${n}`);
        await tx.query(`insert into ${table} (event_id, n) values ($1::uuid, $2)`, [event.eventId, n]);
      }
    },
  };
}

/**
 * A follower (the payment saga's place in the group) that records the numbers it is handed, in
 * order, and stores its checkpoint after each batch; fails on `failOn.n` while it is set.
 */
function recordingFollower(db: SqlDb, failOn: { n: number | null } = { n: null }): LogFollower & { seen: number[] } {
  const name = 'test-group-follower';
  const seen: number[] = [];
  return {
    name,
    seen,
    async resumePosition() {
      await ensureCheckpointSchema(db);
      return readCheckpoint(db, name);
    },
    async follow(events) {
      for (const event of events) {
        const n = (event.data as { n: number }).n;
        if (n === failOn.n) throw new Error(`the follower cannot handle event ${n}`);
        seen.push(n);
      }
      await writeCheckpoint(db, name, events[events.length - 1]!.position);
    },
  };
}

/** Counts the transactions the runner opens: the point of a group is one per batch. */
function countingTransactions(db: SqlDb): { db: SqlDb; transactions: () => number; reset: () => void } {
  let transactions = 0;
  const counting = Object.create(db) as SqlDb;
  counting.transaction = (work) => {
    transactions++;
    return db.transaction(work);
  };
  return { db: counting, transactions: () => transactions, reset: () => (transactions = 0) };
}

describeEachDatabase('ProjectionGroupRunner', (target) => {
  const log = withNumberedLog(target);
  const { appendNumbered } = log;
  let db: SqlDb;
  let store: PostgresEventStore;
  beforeEach(() => ({ db, store } = log));
  const counted = async (name: string) => (await db.query<{ n: number }>(`select n from test_group_${name} order by n`)).rows.map((r) => r.n);
  const numbers = (count: number, from = 0) => Array.from({ length: count }, (_, i) => from + i);

  it('reads each batch once and applies it to every read model in one transaction, each with its own checkpoint', async () => {
    await appendNumbered(0, 30);
    const counting = countingTransactions(db);
    let batchesRead = 0;
    const reading = Object.create(store) as PostgresEventStore;
    reading.readAll = async (options) => {
      const batch = await store.readAll(options);
      if (batch.length > 0) batchesRead++;
      return batch;
    };
    const group = new ProjectionGroupRunner(reading, counting.db, [countingProjection('a'), countingProjection('b'), countingProjection('c')]);
    await group.prepare();
    counting.reset();
    const head = (await store.committedHeadPosition())!;
    expect(await catchUpToCommitted({ catchUp: () => group.catchUp(10), get checkpoint() { return group.checkpoint; } }, store)).toBe(90);
    // One transaction per batch read for the three read models together (30 events in batches of
    // 10: three, or more when a commit still open elsewhere hid the tail of a batch for a moment).
    expect(batchesRead).toBeGreaterThanOrEqual(3);
    expect(counting.transactions()).toBe(batchesRead);
    for (const name of ['a', 'b', 'c']) {
      expect(await counted(name)).toEqual(numbers(30));
      expect(await readCheckpoint(db, `test-group-${name}`)).toBe(head);
    }

    await appendNumbered(30, 5);
    const restarted = new ProjectionGroupRunner(store, db, [countingProjection('a'), countingProjection('b'), countingProjection('c')]);
    await restarted.prepare();
    expect(restarted.checkpoint).toBe(head);
    expect(await catchUpToCommitted(restarted, store)).toBe(15);
    for (const name of ['a', 'b', 'c']) expect(await counted(name)).toEqual(numbers(35));
  });

  it('lets the others go on while one read model fails, then the failed one rejoins and catches up exactly once', async () => {
    await appendNumbered(0, 20);
    let now = 1_000_000;
    const failOn: { n: number | null } = { n: 7 };
    const reported: string[] = [];
    const group = new ProjectionGroupRunner(
      store,
      db,
      [countingProjection('a'), countingProjection('b', failOn)],
      (name, error) => reported.push(`${name}: ${(error as Error).message}`),
      undefined,
      () => now,
    );
    await group.prepare();
    await catchUpToCommitted({ catchUp: () => group.catchUp(), get checkpoint() { return group.checkpointOf('test-group-a'); } }, store);
    expect(await counted('a')).toEqual(numbers(20));
    // The failing batch rolled back whole for b: nothing of it applied, its checkpoint unmoved.
    expect(await counted('b')).toEqual([]);
    expect(await readCheckpoint(db, 'test-group-b')).toBeNull();
    expect(reported).toEqual(['test-group-b: b cannot handle event 7']);
    expect(group.failureOf('test-group-b')).toBeInstanceOf(Error);

    // Still sitting out: more events reach a only.
    await appendNumbered(20, 5);
    await catchUpToCommitted({ catchUp: () => group.catchUp(), get checkpoint() { return group.checkpointOf('test-group-a'); } }, store);
    expect(await counted('a')).toEqual(numbers(25));
    expect(await counted('b')).toEqual([]);

    // Fixed and past its backoff: b rejoins from its own checkpoint; a applies nothing twice.
    failOn.n = null;
    now += 120_000;
    await catchUpToCommitted(group, store);
    expect(await counted('a')).toEqual(numbers(25));
    expect(await counted('b')).toEqual(numbers(25));
    expect(group.failureOf('test-group-b')).toBeNull();
    expect(reported).toHaveLength(1);
  });

  it('rebuilds several read models in one pass over the log (each batch read once), while the group runs live, each event once to each', async () => {
    await appendNumbered(0, 1100);
    const errors: unknown[] = [];
    const group = new ProjectionGroupRunner(store, db, [countingProjection('a'), countingProjection('b'), countingProjection('c')], (name, error) => errors.push(error), (error) => errors.push(error));
    await group.prepare();
    group.start();
    let batchesRead = 0;
    const reading = Object.create(store) as PostgresEventStore;
    reading.readAll = async (options) => {
      batchesRead++;
      return store.readAll(options);
    };
    const progress: string[] = [];
    const rebuilding = rebuildProjections(reading, db, [countingProjection('c'), countingProjection('b')], (p) => progress.push(p.projection), 250);
    await appendNumbered(1100, 50);
    const rebuilt = await rebuilding;
    // In the order asked. Which of the two appliers (the rebuild, or the live group, which finds the
    // checkpoint reset and starts over too) applies a given batch is a race; that no event is applied
    // twice is what the keyed rows and the counts below prove.
    expect(rebuilt.map((r) => r.projection)).toEqual(['test-group-c', 'test-group-b']);
    for (const r of rebuilt) expect(r.applied).toBeLessThanOrEqual(1150);
    // One read per batch for both read models (plus, at most, re-reads where the live group moved one).
    expect(batchesRead).toBeLessThan(2 * Math.ceil(1150 / 250) + 2);
    expect(new Set(progress)).toEqual(new Set(['test-group-b', 'test-group-c']));
    const head = (await store.committedHeadPosition())!;
    for (const name of ['a', 'b', 'c']) expect(await ProjectorRunner.waitForPosition(db, `test-group-${name}`, head, 20_000)).toBe(true);
    await group.stop();
    expect(errors).toEqual([]);
    for (const name of ['a', 'b', 'c']) expect(await counted(name)).toEqual(numbers(1150));
  });

  it('rebuilds one read model from position 0 while the group runs live, applying each event exactly once to each', async () => {
    await appendNumbered(0, 1200);
    const errors: unknown[] = [];
    const group = new ProjectionGroupRunner(store, db, [countingProjection('a'), countingProjection('b')], (name, error) => errors.push(error), (error) => errors.push(error));
    await group.prepare();
    group.start();
    const rebuilding = rebuildProjection(store, db, countingProjection('b'));
    await appendNumbered(1200, 50);
    await rebuilding;
    const head = (await store.committedHeadPosition())!;
    expect(await ProjectorRunner.waitForPosition(db, 'test-group-a', head, 20_000)).toBe(true);
    expect(await ProjectorRunner.waitForPosition(db, 'test-group-b', head, 20_000)).toBe(true);
    await group.stop();
    expect(errors).toEqual([]);
    expect(await counted('a')).toEqual(numbers(1250));
    expect(await counted('b')).toEqual(numbers(1250));
  });

  it('hands every batch it reads to its followers too: one read for read models and followers alike', async () => {
    await appendNumbered(0, 23);
    let reads = 0;
    const reading = Object.create(store) as PostgresEventStore;
    reading.readAll = async (options) => {
      const batch = await store.readAll(options);
      // Empty reads (the runner waiting for a commit to become readable) are not what is counted.
      if (batch.length > 0) reads++;
      return batch;
    };
    const follower = recordingFollower(db);
    const group = new ProjectionGroupRunner(reading, db, [countingProjection('a'), countingProjection('b')], undefined, undefined, Date.now, [follower]);
    await group.prepare();
    await catchUpToCommitted({ catchUp: () => group.catchUp(5), get checkpoint() { return group.checkpoint; } }, store);
    expect(follower.seen).toEqual(numbers(23));
    expect(await counted('a')).toEqual(numbers(23));
    // 23 events in batches of 5: five reads for the three of them (a commit still open elsewhere
    // may hide a tail for a moment and cut a batch short: a read or two more, never one per reader).
    expect(reads).toBeGreaterThanOrEqual(5);
    expect(reads).toBeLessThan(8);
    expect(group.followerPosition('test-group-follower')).toBe(group.checkpoint);
  });

  it('lets a failing follower sit out while the read models go on, then hands it the events again from where it stood', async () => {
    await appendNumbered(0, 20);
    let now = 1_000_000;
    const failOn: { n: number | null } = { n: 7 };
    const reported: string[] = [];
    const follower = recordingFollower(db, failOn);
    const group = new ProjectionGroupRunner(store, db, [countingProjection('a')], (name, error) => reported.push(`${name}: ${(error as Error).message}`), undefined, () => now, [follower]);
    await group.prepare();
    await catchUpToCommitted({ catchUp: () => group.catchUp(5), get checkpoint() { return group.checkpointOf('test-group-a'); } }, store);
    expect(await counted('a')).toEqual(numbers(20));
    // Handed 5..9, it failed at 7: it stands after 4, sitting out.
    expect(follower.seen).toEqual(numbers(7));
    expect(reported).toEqual(['test-group-follower: the follower cannot handle event 7']);
    expect(group.failureOf('test-group-follower')).toBeInstanceOf(Error);

    failOn.n = null;
    now += 120_000;
    await catchUpToCommitted(group, store);
    // At least once: 5 and 6 again (its handling must be idempotent), then the rest; the read model applied nothing twice.
    expect(follower.seen).toEqual([...numbers(7), ...numbers(15, 5)]);
    expect(await counted('a')).toEqual(numbers(20));
    expect(group.failureOf('test-group-follower')).toBeNull();
  });

  it('after a crash between batches, a new process replays nothing twice: read models and follower resume from their checkpoints', async () => {
    await appendNumbered(0, 30);
    let reads = 0;
    const dying = Object.create(store) as PostgresEventStore;
    dying.readAll = async (options) => {
      // The process dies as it starts the read after its second full batch: two batches are
      // committed, nothing after.
      if (reads === 2) throw new Error('killed');
      const batch = await store.readAll(options);
      if (batch.length === options.limit) reads++;
      return batch;
    };
    const first = recordingFollower(db);
    const crashed = new ProjectionGroupRunner(dying, db, [countingProjection('a'), countingProjection('b')], undefined, undefined, Date.now, [first]);
    await crashed.prepare();
    await expect(catchUpToCommitted({ catchUp: () => crashed.catchUp(10), get checkpoint() { return crashed.checkpoint; } }, store)).rejects.toThrow('killed');
    const reached = first.seen.length;
    expect(reached).toBeGreaterThanOrEqual(20);
    expect(first.seen).toEqual(numbers(reached));
    expect(await counted('a')).toEqual(numbers(reached));

    const second = recordingFollower(db);
    const restarted = new ProjectionGroupRunner(store, db, [countingProjection('a'), countingProjection('b')], undefined, undefined, Date.now, [second]);
    await restarted.prepare();
    await catchUpToCommitted(restarted, store);
    // Each read model's rows are keyed by event: an event applied twice would have failed the batch.
    expect(await counted('a')).toEqual(numbers(30));
    expect(await counted('b')).toEqual(numbers(30));
    expect(second.seen).toEqual(numbers(30 - reached, reached));
  });
});
