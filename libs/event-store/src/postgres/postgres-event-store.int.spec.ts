import { randomUUID } from 'node:crypto';
import { describeEachDatabase, emptySchema, withDatabase } from '../../../../test/support/databases';
import { eventStoreSuite, onceCommittedReadable } from '../event-store.suite';
import { verifyChain } from '../hash-chain/verify-chain';
import { backfillChainHashes } from './chain-backfill';
import { PostgresEventStore } from './postgres-event-store';

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
    // The log as it was before the chain existed: no hash column at all.
    await database.db.exec('drop index es_events_unhashed; alter table es_events drop column hash');

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
