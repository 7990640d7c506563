import { randomUUID } from 'node:crypto';
import { applyMigrations } from '@escrow/migrations';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase, emptySchema, withDatabase } from '../../../../test/support/databases';
import { comparePositions } from '../event-store';
import { eventStoreSuite, onceCommittedReadable } from '../event-store.suite';
import { verifyChain } from '../hash-chain/verify-chain';
import { backfillChainHashes } from './chain-backfill';
import { PostgresEventStore, appendGroupSizeMax } from './postgres-event-store';

describeEachDatabase('PostgresEventStore (shared adapter suite)', (target) => {
  // One database for the describe; each test gets it with its schema dropped and created again,
  // so the store it opens is fresh and empty.
  const database = withDatabase(target);
  eventStoreSuite(async () => {
    await emptySchema(database.db);
    const store = await PostgresEventStore.open(database.db);
    const db = database.db;
    return {
      store,
      audit: store.auditLog(),
      tamper: {
        async editData(streamId, revision) {
          await db.query(`update es_events set data = jsonb_set(data, '{n}', '2') where stream_id = $1 and stream_revision = $2`, [streamId, revision]);
        },
        async deleteEvent(streamId, revision) {
          await db.query('delete from es_events where stream_id = $1 and stream_revision = $2', [streamId, revision]);
        },
      },
      async dispose() {
        await store.close();
      },
    };
  });
});

describeEachDatabase('PostgresEventStore hash chain on an upgraded log', (target) => {
  const database = withDatabase(target, { emptyBeforeEach: true });
  const event = (n: number) => ({ eventId: randomUUID(), type: 'Counted', data: { n, nested: { b: [1, 'x'], a: null } }, metadata: { correlationId: 'c-1' } });

  it('backfills the hashes of events stored before the chain, idempotently, and chains new appends onto them', async () => {
    const store = await PostgresEventStore.open(database.db);
    const [a, b] = [`contract-${randomUUID()}`, `trainer-${randomUUID()}`];
    await store.append(a, [event(1), event(2)], 'no_stream');
    await store.append(b, [event(1)], 'no_stream');
    await store.append(a, [event(3)], 1);
    const chained = await verifyChain(onceCommittedReadable(store.auditLog(), store));
    await store.close();
    // The log as it was before the chain existed, and before versioned migrations: no hash column
    // at all, no migration history. The baseline migration adopts it and adds the column.
    await database.db.exec('drop index es_events_unhashed; alter table es_events drop column hash; drop table schema_migrations');
    expect((await applyMigrations(database.db)).applied).toContain('0001_event_store');

    const upgraded = await PostgresEventStore.open(database.db);
    const report = await verifyChain(onceCommittedReadable(upgraded.auditLog(), upgraded));
    expect(report).toMatchObject({ ok: true, checked: 4 });
    // The same hashes es_append wrote: one formula, computed in SQL at append and in Node at backfill.
    expect(report).toEqual(chained);
    expect(await backfillChainHashes(database.db)).toBe(0);
    await upgraded.append(a, [event(4)], 2);
    await upgraded.append(b, [event(2)], 'any');
    expect(await verifyChain(onceCommittedReadable(upgraded.auditLog(), upgraded))).toMatchObject({ ok: true, checked: 6 });
    await upgraded.close();
  });

  it('hashes unhashed rows on every start, and refuses to chain onto an event without a hash', async () => {
    const store = await PostgresEventStore.open(database.db);
    const a = `contract-${randomUUID()}`;
    await store.append(a, [event(1), event(2)], 'no_stream');
    await database.db.query('update es_events set hash = null where stream_id = $1', [a]);
    await expect(store.append(a, [event(3)], 1)).rejects.toThrow(/revision 1 of stream .* has no hash/);
    expect(await backfillChainHashes(database.db)).toBe(2);
    await store.append(a, [event(3)], 1);
    expect(await verifyChain(onceCommittedReadable(store.auditLog(), store))).toMatchObject({ ok: true, checked: 3 });
    await store.close();
  });

  it('refuses an append without a content digest (a writer from before the chain)', async () => {
    const store = await PostgresEventStore.open(database.db);
    const payload = JSON.stringify([{ eventId: randomUUID(), type: 'Old', data: {}, metadata: {} }]);
    await expect(database.db.query(`select * from es_append($1, 'no_stream', $2::jsonb)`, [`contract-${randomUUID()}`, payload])).rejects.toMatchObject({
      code: 'ES003',
    });
    await store.close();
  });
});

/**
 * The store over a database whose append calls (`es_append` alone, `es_append_group`) the test can hold (to make appends
 * queue up behind one in flight), count, and fail: before the server sees the group (the
 * connection lost on the way) or after it committed (the answer lost on the way back).
 */
function groupCalls(db: SqlDb) {
  const sizes: number[] = [];
  let held: Promise<void> | null = null;
  let fault: 'before' | 'after' | null = null;
  let faultSizeMin = 1;
  const lost = () => Object.assign(new Error('Connection terminated unexpectedly (simulated)'), { simulated: true });
  const wrapped: SqlDb = {
    kind: db.kind,
    async query<Row>(sql: string, params?: readonly unknown[]) {
      const grouped = sql.includes('es_append_group(');
      if (!grouped && !sql.includes('es_append(')) return db.query<Row>(sql, params);
      const size = grouped ? (JSON.parse(String(params![0])) as unknown[]).length : 1;
      sizes.push(size);
      const gate = held;
      if (gate) await gate;
      const failing = size >= faultSizeMin ? fault : null;
      if (failing === 'before') throw lost();
      const result = await db.query<Row>(sql, params);
      if (failing === 'after') throw lost();
      return result;
    },
    exec: (sql) => db.exec(sql),
    transaction: (work) => db.transaction(work),
    listen: (channel, onNotify) => db.listen(channel, onNotify),
    close: () => db.close(),
  };
  return {
    db: wrapped,
    sizes,
    /** Holds every group call until the returned release is called. */
    hold(): () => void {
      let release!: () => void;
      held = new Promise((resolve) => (release = resolve));
      return () => {
        held = null;
        release();
      };
    },
    /** Fails the group calls of at least `sizeMin` appends from now on (null: none). */
    failGroups(when: 'before' | 'after' | null, sizeMin = 1) {
      fault = when;
      faultSizeMin = sizeMin;
    },
  };
}

describeEachDatabase('PostgresEventStore group commit', (target) => {
  const database = withDatabase(target, { emptyBeforeEach: true });
  const event = (type = 'Counted', data: unknown = { n: 1 }) => ({ eventId: randomUUID(), type, data, metadata: { correlationId: 'c-1' } });
  const stream = () => `contract-${randomUUID()}`;
  const nextTurn = () => new Promise((resolve) => setImmediate(resolve));
  const verified = (store: PostgresEventStore) => verifyChain(onceCommittedReadable(store.auditLog(), store));

  async function open() {
    const calls = groupCalls(database.db);
    const store = await PostgresEventStore.open(calls.db);
    database.onClose(() => store.close());
    return { store, calls };
  }

  it('sends a lone append at once, and the appends queued behind it as one group that applies them in call order', async () => {
    const { store, calls } = await open();
    const [s, t] = [stream(), stream()];
    const release = calls.hold();
    const lead = store.append(stream(), [event('Lead')], 'no_stream');
    await nextTurn();
    expect(calls.sizes).toEqual([1]);
    const queued = [
      store.append(s, [event('S0')], 'no_stream'),
      store.append(t, [event('T0'), event('T1')], 'no_stream'),
      store.append(s, [event('S1'), event('S2')], 0),
      store.append(s, [event('Late')], 0),
      store.append(s, [event('S3')], 'any'),
      store.append(t, [event('T2')], 1),
    ];
    const settled = Promise.allSettled(queued);
    release();
    await lead;
    const outcomes = await settled;
    expect(calls.sizes).toEqual([1, 6]);
    expect(outcomes.map((o) => o.status)).toEqual(['fulfilled', 'fulfilled', 'fulfilled', 'rejected', 'fulfilled', 'fulfilled']);
    expect((outcomes[3] as PromiseRejectedResult).reason).toMatchObject({ name: 'WrongExpectedVersion', expected: 0, actual: 2 });
    const results = outcomes.flatMap((o) => (o.status === 'fulfilled' ? [o.value] : []));
    expect(results.map((r) => r.nextExpectedRevision)).toEqual([0, 1, 2, 3, 2]);
    // One transaction, positions in call order.
    for (let i = 1; i < results.length; i++) expect(comparePositions(results[i - 1]!.position, results[i]!.position)).toBe(-1);
    expect((await store.readStream(s)).map((e) => e.type)).toEqual(['S0', 'S1', 'S2', 'S3']);
    expect((await store.readStream(t)).map((e) => e.type)).toEqual(['T0', 'T1', 'T2']);
    const log = await verified(store);
    expect(log).toMatchObject({ ok: true, checked: 8, brokenLink: null });
  });

  it('bounds a group, and puts an append repeating event ids of one queued before it into a later group', async () => {
    const { store, calls } = await open();
    const release = calls.hold();
    const lead = store.append(stream(), [event()], 'no_stream');
    await nextTurn();
    const batch = [event('A')];
    const id = stream();
    const many = Array.from({ length: appendGroupSizeMax + 3 }, () => store.append(stream(), [event()], 'no_stream'));
    const first = store.append(id, batch, 'no_stream');
    const repeated = store.append(id, batch, 'no_stream');
    release();
    await Promise.all([lead, ...many]);
    expect(await repeated).toEqual({ ...(await first), duplicate: true });
    expect(calls.sizes).toEqual([1, appendGroupSizeMax, 4, 1]);
    expect(await store.readStream(id)).toHaveLength(1);
  });

  it('appends one at a time a group the server refuses: only the append it refused fails', async () => {
    const { store, calls } = await open();
    const refused = stream();
    await database.db.exec(`
      create function refuse_one() returns trigger language plpgsql as $$
      begin raise exception 'disk full for this stream (simulated)'; end $$;
      create trigger refuse_one before insert on es_events for each row when (new.stream_id = '${refused}') execute function refuse_one();`);
    const release = calls.hold();
    const lead = store.append(stream(), [event()], 'no_stream');
    await nextTurn();
    const [a, b] = [stream(), stream()];
    const outcomes = Promise.allSettled([store.append(a, [event()], 'no_stream'), store.append(refused, [event()], 'no_stream'), store.append(b, [event()], 'no_stream')]);
    release();
    await lead;
    const [okA, failed, okB] = await outcomes;
    expect([okA!.status, failed!.status, okB!.status]).toEqual(['fulfilled', 'rejected', 'fulfilled']);
    expect((failed as PromiseRejectedResult).reason.message).toMatch(/disk full for this stream/);
    expect(calls.sizes).toEqual([1, 3, 1, 1, 1]);
    expect(await store.readStream(refused)).toEqual([]);
    expect(await store.readStream(a)).toHaveLength(1);
    expect(await verified(store)).toMatchObject({ ok: true, checked: 3 });
  });

  it('fails every caller of a group lost before the server saw it, writes none of it, and a retry appends each once', async () => {
    const { store, calls } = await open();
    await store.append(stream(), [event()], 'no_stream');
    const release = calls.hold();
    const lead = store.append(stream(), [event()], 'no_stream');
    await nextTurn();
    const plans = [stream(), stream(), stream()].map((id) => ({ id, events: [event(), event()] }));
    const attempts = Promise.allSettled(plans.map((p) => store.append(p.id, p.events, 'no_stream')));
    await nextTurn();
    calls.failGroups('before');
    release();
    await expect(lead).rejects.toThrow(/simulated/);
    const outcomes = await attempts;
    expect(outcomes.map((o) => o.status)).toEqual(['rejected', 'rejected', 'rejected']);
    expect(outcomes.map((o) => (o as PromiseRejectedResult).reason.message)).toEqual(plans.map(() => expect.stringMatching(/simulated/)));
    for (const p of plans) expect(await store.readStream(p.id)).toEqual([]);

    calls.failGroups(null);
    const retried = await Promise.all(plans.map((p) => store.append(p.id, p.events, 'no_stream')));
    expect(retried.map((r) => [r.nextExpectedRevision, r.duplicate])).toEqual(plans.map(() => [1, false]));
    for (const p of plans) expect(await store.readStream(p.id)).toHaveLength(2);
    expect(await verified(store)).toMatchObject({ ok: true, checked: 7 });
  });

  it('fails every caller of a group whose answer was lost after it committed, and a retry answers duplicate without a second write', async () => {
    const { store, calls } = await open();
    const release = calls.hold();
    const lead = store.append(stream(), [event()], 'no_stream');
    await nextTurn();
    const plans = [stream(), stream()].map((id) => ({ id, events: [event()] }));
    const attempts = Promise.allSettled(plans.map((p) => store.append(p.id, p.events, 'no_stream')));
    await nextTurn();
    calls.failGroups('after', 2);
    release();
    await lead;
    expect((await attempts).map((o) => o.status)).toEqual(['rejected', 'rejected']);
    calls.failGroups(null);
    const retried = await Promise.all(plans.map((p) => store.append(p.id, p.events, 'no_stream')));
    expect(retried.map((r) => [r.nextExpectedRevision, r.duplicate])).toEqual([
      [0, true],
      [0, true],
    ]);
    for (const p of plans) expect(await store.readStream(p.id)).toHaveLength(1);
    expect(await verified(store)).toMatchObject({ ok: true, checked: 3 });
  });

  // Verify walks the log in position order: it also proves every stream's events stand in the log
  // in revision order (it failed so before appends took their stream locks before their first write).
  it('does not deadlock, and keeps each stream in revision order in the log, when two stores (as two processes) append to the same streams in opposite orders', async () => {
    const one = await PostgresEventStore.open(database.db);
    const other = await PostgresEventStore.open(database.db);
    database.onClose(() => one.close());
    database.onClose(() => other.close());
    const streams = Array.from({ length: 8 }, stream);
    const rounds = 15;
    const run = (store: PostgresEventStore, order: string[]) =>
      (async () => {
        for (let round = 0; round < rounds; round++) {
          await Promise.all(order.map((id) => store.append(id, [event('Both', { round })], 'any')));
        }
      })();
    await Promise.all([run(one, streams), run(other, [...streams].reverse())]);
    for (const id of streams) expect(await one.readStream(id)).toHaveLength(rounds * 2);
    expect(await verified(one)).toMatchObject({ ok: true, checked: streams.length * rounds * 2 });
  });
});
