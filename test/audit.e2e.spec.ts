import { randomUUID } from 'node:crypto';
import type { Actor, Role } from '@escrow/domain';
import { EventStoreDbEventStore, type EventStore } from '@escrow/event-store';
import { startEsdbTestServer, type EsdbTestServer } from './esdb-server';
import { eventually, startApp, withApp, type RunningApp } from './support/app';
import { expectError, expectRefusedWithoutWrites } from './support/api-checks';
import { describeEachDatabase, pgliteTarget, withDatabase } from './support/databases';

const finance: Actor = { role: 'finance', id: 'fin_audit' };

/**
 * Events with the shape command handling writes (nested data, metadata with an actor), of types
 * outside the catalog so that the app's projections and saga pass them by.
 */
async function appendHistory(store: EventStore, streams = 3): Promise<{ ids: string[]; last: string }> {
  const ids: string[] = [];
  let last = '';
  for (let s = 0; s < streams; s++) {
    const id = `contract-${randomUUID()}`;
    ids.push(id);
    const event = (type: string, data: Record<string, unknown>) => ({
      eventId: randomUUID(),
      type,
      data: { contractId: id.slice('contract-'.length), ...data },
      metadata: { actor: { role: 'employer', id: 'emp_audit' }, correlationId: randomUUID(), occurredAt: new Date().toISOString(), schemaVersion: 1 },
    });
    await store.append(id, [event('AuditSampleOpened', { projectName: 'Évaluation ✓', employerId: 'emp_audit' })], 'no_stream');
    await store.append(id, [event('AuditSampleAmount', { amount: { amountCents: 15_000, currency: 'USD' }, n: 1 })], 0);
    last = (await store.append(id, [event('AuditSampleStep', { n: 1 }), event('AuditSampleDone', { chargeId: 'ch_1', n: 1 })], 1)).position;
  }
  return { ids, last };
}

/**
 * The anchor once the log is readable up to `position`: on a shared PostgreSQL a commit becomes
 * readable only when older transactions elsewhere on the server end.
 */
function anchorAt(api: RunningApp, position: string) {
  return eventually(async () => {
    const anchored = await api.request('GET', '/v1/audit/anchor', { as: finance });
    return anchored.body?.position === position ? anchored : undefined;
  }, `the log to be readable up to ${position}`);
}

const verify = (api: RunningApp, query = '', as: Actor = finance) => api.request('GET', `/v1/audit/verify${query}`, { as });

describeEachDatabase('audit routes (GET /v1/audit/verify, GET /v1/audit/anchor)', (target) => {
  const fixture = withApp(target);

  it('lets finance verify the whole log and a range, and prove an anchor after more appends', async () => {
    const { last } = await appendHistory(fixture.store);
    const anchored = await anchorAt(fixture.api, last);
    expect(anchored.status).toBe(200);
    expect(anchored.body).toMatchObject({
      algorithm: 'sha256-stream-chain-v1',
      position: last,
      hash: expect.stringMatching(/^[0-9a-f]{64}$/),
      streams: expect.any(Number),
    });
    expect(anchored.body.anchor).toBe(`${anchored.body.position}.${anchored.body.hash}`);

    const later = await appendHistory(fixture.store, 2);
    await anchorAt(fixture.api, later.last);
    const whole = await verify(fixture.api);
    expect(whole.status).toBe(200);
    expect(whole.body).toMatchObject({ ok: true, from: null, to: null, brokenLink: null, anchor: null, lastPosition: later.last });
    expect(whole.body.checked).toBeGreaterThanOrEqual(20);

    const proved = await verify(fixture.api, `?anchor=${anchored.body.anchor}&to=${anchored.body.position}`);
    expect(proved.body).toMatchObject({ ok: true, anchor: { position: anchored.body.position, hash: anchored.body.hash, matches: true } });
    expect(proved.body.lastPosition).toBe(anchored.body.position);

    const range = await verify(fixture.api, `?from=${anchored.body.position}`);
    expect(range.body).toMatchObject({ ok: true, from: anchored.body.position, checked: 8 });
  });

  it.each<Role>(['employer', 'trainer', 'support', 'service'])('refuses %s (finance only), writing nothing', async (role) => {
    const as = { role, id: `${role.slice(0, 3)}_audit` } as Actor;
    for (const path of ['/v1/audit/verify', '/v1/audit/anchor']) {
      await expectRefusedWithoutWrites(fixture.db, fixture.store, () => fixture.api.request('GET', path, { as }), 403, /./);
    }
  });

  it('refuses a caller without a token', async () => {
    expectError(await fixture.api.request('GET', '/v1/audit/verify'), 401, /./);
  });

  it.each([
    ['?from=yesterday', 'from: must be a global position'],
    ['?to=00000000000000000001', 'to: must be a global position'],
    ['?from=99999999999999999999-00000000000000000001', 'from: must be a global position'],
    ['?from=00000000000000000009-00000000000000000001&to=00000000000000000001-00000000000000000001', 'from: must not be after to'],
    ['?anchor=00000000000000000009-00000000000000000001', 'anchor: must be <position>.<64 lowercase hex digits>'],
    [`?anchor=00000000000000000009-00000000000000000001.${'A'.repeat(64)}`, 'anchor: must be'],
    [`?anchor=00000000000000000009-00000000000000000001.${'a'.repeat(64)}&from=00000000000000000001-00000000000000000001`, 'anchor: is checked by a walk from the start'],
    [`?anchor=00000000000000000009-00000000000000000001.${'a'.repeat(64)}&to=00000000000000000001-00000000000000000001`, "to: must not be before the anchor's position"],
    ['?bogus=1', 'bogus: unknown query parameter'],
    ['?from=00000000000000000001-00000000000000000001&from=00000000000000000002-00000000000000000001', 'from: given 2 times'],
  ])('answers 400 naming the parameter for %s', async (query, message) => {
    await expectRefusedWithoutWrites(fixture.db, fixture.store, () => verify(fixture.api, query), 400, message);
  });

  it('takes no query parameters on the anchor route', async () => {
    expectError(await fixture.api.request('GET', '/v1/audit/anchor?from=1', { as: finance }), 400, 'from: unknown query parameter');
  });
});

describeEachDatabase('audit verify on a log edited behind the app', (target) => {
  const fixture = withApp(target);

  it('reports the first broken link at the edited event: position, expected vs found', async () => {
    const { ids, last } = await appendHistory(fixture.store);
    const middle = ids[1]!;
    const anchor = (await anchorAt(fixture.api, last)).body.anchor as string;
    const { rows } = await fixture.db.query<{ position_tx: string; position_seq: string; hash: string }>(
      `select transaction_id::text as position_tx, sequence::text as position_seq, encode(hash, 'hex') as hash
         from es_events where stream_id = $1 and stream_revision = 1`,
      [middle],
    );
    const edited = rows[0]!;
    // One byte: 15000 cents become 95000.
    await fixture.db.query(
      `update es_events set data = jsonb_set(data, '{amount,amountCents}', '95000') where stream_id = $1 and stream_revision = 1`,
      [middle],
    );

    const report = await verify(fixture.api);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({
      ok: false,
      brokenLink: {
        position: `${edited.position_tx.padStart(20, '0')}-${edited.position_seq.padStart(20, '0')}`,
        streamId: middle,
        revision: 1,
        found: edited.hash,
        expected: expect.stringMatching(/^[0-9a-f]{64}$/),
      },
    });
    expect(report.body.brokenLink.expected).not.toBe(edited.hash);
    expect((await verify(fixture.api, `?anchor=${anchor}`)).body).toMatchObject({ ok: false, brokenLink: { streamId: middle, revision: 1 } });
  });
});

describe('audit routes on EventStoreDB (the EventStoreDB-compatible test server)', () => {
  let server: EsdbTestServer;
  let api: RunningApp;
  let store: EventStoreDbEventStore;
  beforeAll(async () => {
    server = await startEsdbTestServer();
  });
  const database = withDatabase(pgliteTarget);
  beforeAll(async () => {
    // DATABASE_URL only satisfies the configuration check: the app is handed the test's database.
    api = await startApp(database.db, {
      env: { EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: server.url, DATABASE_URL: 'postgres://configuration-check-only.invalid/unused' },
    });
    database.onClose(() => api.close());
    store = await EventStoreDbEventStore.connect(server.url);
    database.onClose(() => store.close());
  });
  afterAll(async () => {
    await server.close();
  });

  it('verifies the chains kept in event metadata and proves an anchor after more appends', async () => {
    const { last } = await appendHistory(store);
    const anchored = await anchorAt(api, last);
    await appendHistory(store, 1);
    const report = await verify(api, `?anchor=${anchored.body.anchor}`);
    expect(report.status).toBe(200);
    expect(report.body).toMatchObject({ ok: true, checked: 16, brokenLink: null, anchor: { matches: true } });
  });
});
