import { randomUUID } from 'node:crypto';
import { asyncApiDocument } from '@escrow/event-schemas';
import type { EventStore } from '@escrow/event-store';
import { allEvents } from '../support/api-checks';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase } from '../support/databases';
import { eventually, startApp, type RunningApp } from '../support/app';
import { EventFeed } from '../../apps/api/src/events/event-feed';
import { appendMany, contractCreated, milestoneCreated, openRawStream, storeOf, type RawStream } from './feed-support';

describeEachDatabase('GET /v1/events (SSE feed)', (target) => {
  let db: SqlDb;
  let app: RunningApp;
  let store: EventStore;
  const open: RawStream[] = [];
  const as = (role: 'service' | 'finance' | 'support' = 'service') => ({ authorization: `Bearer ${app.token(role, `${role}-1`)}` });
  const stream = async (path: string, headers: Record<string, string> = as()) => {
    const raw = await openRawStream(app.baseUrl, path, headers);
    open.push(raw);
    return raw;
  };

  beforeAll(async () => {
    db = await target.open();
    // The api alone: the feed reads the log and needs no projections.
    app = await startApp(db, { env: { PROCESS_ROLE: 'api', FEED_HEARTBEAT_MS: '100', FEED_SLOW_CLIENT_TIMEOUT_MS: '500' } });
    store = storeOf(app);
  });
  afterEach(() => {
    for (const raw of open.splice(0)) raw.close();
  });
  afterAll(async () => {
    await app.close();
    await db.close();
  });

  it('sends the log from the start, then live events, each once and in order, as SSE messages', async () => {
    await appendMany(store, 120);
    const raw = await stream('/v1/events');
    expect(raw.response.statusCode).toBe(200);
    expect(raw.response.headers['content-type']).toMatch(/^text\/event-stream/);
    const before = await allEvents(store);
    await eventually(async () => (raw.messages.length >= before.length ? true : undefined), 'catch-up');

    const contractId = randomUUID();
    await store.append(`contract-${contractId}`, [contractCreated(contractId), milestoneCreated(contractId)], 'no_stream');
    const all = await allEvents(store);
    await eventually(async () => (raw.messages.length >= all.length ? true : undefined), 'live events');

    expect(raw.messages.map((m) => m.id)).toEqual(all.map((e) => e.position));
    expect(raw.messages.map((m) => m.event)).toEqual(all.map((e) => e.type));
    const health = await app.request('GET', '/health');
    // The test hands the app its database; the configured kind is what health reports.
    expect(health.body).toMatchObject({ eventStore: app.config.database.kind, headPosition: all.at(-1)!.position });
    expect(health.body.feed.subscribers).toBeGreaterThanOrEqual(1);
    const last = all.at(-1)!;
    expect(raw.events().at(-1)).toEqual({
      type: last.type,
      stream: last.streamId,
      revision: last.revision,
      position: last.position,
      data: last.data,
      metadata: last.metadata,
    });
  });

  it('resumes after Last-Event-ID (or ?from=) with exactly the events after it', async () => {
    await appendMany(store, 40);
    const all = await allEvents(store);
    const cut = all[Math.floor(all.length / 2)]!.position;
    const expected = all.filter((e) => e.position > cut).map((e) => e.position);

    const byHeader = await stream('/v1/events', { ...as('finance'), 'last-event-id': cut });
    const byQuery = await stream(`/v1/events?from=${cut}`, as('support'));
    // The header wins: a browser reconnects to the original URL and sends the id it last saw.
    const both = await stream(`/v1/events?from=${all[0]!.position}`, { ...as(), 'last-event-id': cut });
    for (const raw of [byHeader, byQuery, both]) {
      await eventually(async () => (raw.messages.length >= expected.length ? true : undefined), 'resumed events');
      expect(raw.messages.map((m) => m.id)).toEqual(expected);
    }
  });

  it('filters by event types and by exactly one contract', async () => {
    const contractId = `c${randomUUID().slice(0, 8)}`;
    const lookalike = `${contractId}x`;
    await store.append(`contract-${contractId}`, [contractCreated(contractId), milestoneCreated(contractId), milestoneCreated(contractId)], 'no_stream');
    await store.append(`contract-${lookalike}`, [contractCreated(lookalike), milestoneCreated(lookalike)], 'no_stream');

    const mine = await stream(`/v1/events?contractId=${contractId}`);
    await eventually(async () => (mine.messages.length >= 3 ? true : undefined), 'contract events');
    const milestones = await stream(`/v1/events?types=MilestoneCreated&contractId=${contractId}`);
    await eventually(async () => (milestones.messages.length >= 2 ? true : undefined), 'typed events');
    const all = await allEvents(store);
    // Give the feed time to send anything it should not have.
    await stream(`/v1/events?from=${all.at(-1)!.position}`);
    await new Promise((resolve) => setTimeout(resolve, 300));

    expect(mine.events().map((e) => [e.stream, e.type])).toEqual([
      [`contract-${contractId}`, 'ContractCreated'],
      [`contract-${contractId}`, 'MilestoneCreated'],
      [`contract-${contractId}`, 'MilestoneCreated'],
    ]);
    expect(milestones.events().map((e) => [e.stream, e.type, e.revision])).toEqual([
      [`contract-${contractId}`, 'MilestoneCreated', 1],
      [`contract-${contractId}`, 'MilestoneCreated', 2],
    ]);
    const everyMilestone = await stream('/v1/events?types=MilestoneCreated,ContractCreated');
    await eventually(async () => (everyMilestone.messages.length >= all.length ? true : undefined), 'both types');
    expect(everyMilestone.messages.map((m) => m.id)).toEqual(all.map((e) => e.position));
  });

  it('sends heartbeat comments while nothing happens', async () => {
    const all = await allEvents(store);
    const raw = await stream(`/v1/events?from=${all.at(-1)!.position}`);
    await eventually(async () => (raw.comments.filter((c) => c.includes('heartbeat')).length >= 3 ? true : undefined), 'heartbeats', 5_000);
    expect(raw.messages).toEqual([]);
  });

  it('disconnects a subscriber that stops reading instead of buffering for it', async () => {
    const feed = app.app.get(EventFeed);
    const droppedBefore = feed.stats().droppedSlow;
    const contractId = randomUUID();
    // ~4 MB of events, far more than socket buffers hold.
    const big = 'x'.repeat(8_000);
    for (let i = 0; i < 10; i++) {
      const id = `${contractId}-${i}`;
      await store.append(`contract-${id}`, Array.from({ length: 50 }, () => contractCreated(id, big)), 'no_stream');
    }
    const raw = await stream('/v1/events');
    raw.response.pause();
    await eventually(async () => (feed.stats().droppedSlow > droppedBefore ? true : undefined), 'the slow subscriber dropped', 10_000);
    raw.response.resume();
    await raw.ended;
    const all = await allEvents(store);
    expect(raw.messages.length).toBeLessThan(all.length);
    await eventually(async () => (feed.stats().subscribers === 0 ? true : undefined), 'subscription released');
  });

  it('refuses other roles, and refuses bad parameters by name before streaming', async () => {
    expect((await app.request('GET', '/v1/events')).status).toBe(401);
    // A party follows one contract of its own (test/contract-list.e2e.spec.ts), never the whole log.
    const party = await app.request('GET', '/v1/events', { as: { role: 'employer', id: 'e-1' } });
    expect(party.status).toBe(400);
    expect(party.body.message).toMatch(/^contractId: required for an employer/);
    expect((await app.request('GET', '/v1/events/page', { as: { role: 'trainer', id: 't-1' } })).status).toBe(403);
    const service = { role: 'service' as const, id: 'svc' };
    const refused: Array<[string, Record<string, string>, RegExp]> = [
      ['/v1/events?from=12', {}, /^from: not a feed position/],
      ['/v1/events', { 'last-event-id': 'garbage' }, /^Last-Event-ID: not a feed position/],
      ['/v1/events?types=MilestoneFunded,Nope', {}, /^types: unknown event type "Nope"/],
      ['/v1/events?contractId=a%20b', {}, /^contractId: must be/],
      ['/v1/events?since=1', {}, /^since: unknown field/],
      ['/v1/events/page?limit=0', {}, /^limit: must be an integer from 1 to 1000/],
      ['/v1/events/page?limit=1001', {}, /^limit: must be an integer/],
    ];
    for (const [path, headers, message] of refused) {
      const response = await app.request('GET', path, { as: service, headers });
      expect([path, response.status]).toEqual([path, 400]);
      expect(response.body.message).toMatch(message);
      expect(response.headers.get('content-type')).toMatch(/json/);
    }
    expect(app.app.get(EventFeed).stats().subscribers).toBe(0);
  });

  it('serves the AsyncAPI document that describes the feed', async () => {
    const response = await fetch(`${app.baseUrl}/v1/events/asyncapi`, { headers: as('support') });
    expect(response.status).toBe(200);
    expect(response.headers.get('content-type')).toMatch(/^application\/yaml/);
    const text = await response.text();
    expect(text).toBe(asyncApiDocument());
    expect(text).toMatch(/^asyncapi: ["']?3\.0\.0["']?$/m);
  });

  it('pages through the log for batch consumers', async () => {
    const all = await allEvents(store);
    const seen: string[] = [];
    let from: string | null = null;
    for (let pages = 0; ; pages++) {
      const query: string = `/v1/events/page?limit=97${from ? `&from=${from}` : ''}`;
      const { status, body } = await app.request('GET', query, { as: { role: 'finance', id: 'f' } });
      expect(status).toBe(200);
      seen.push(...body.events.map((e: { position: string }) => e.position));
      if (!body.hasMore) {
        expect(body.next).toBe(all.at(-1)!.position);
        break;
      }
      from = body.next;
      expect(pages).toBeLessThan(1_000);
    }
    expect(seen).toEqual(all.map((e) => e.position));

    const contractId = randomUUID();
    await store.append(`contract-${contractId}`, [contractCreated(contractId), milestoneCreated(contractId)], 'no_stream');
    // Readers see a commit once every older transaction has ended (another suite's, on a shared server).
    const body = await eventually(async () => {
      const page = await app.request('GET', `/v1/events/page?contractId=${contractId}&types=MilestoneCreated`, { as: { role: 'support', id: 's' } });
      return page.body.events.length > 0 ? page.body : undefined;
    }, 'the appended events readable');
    expect(body.events.map((e: { type: string; stream: string }) => [e.type, e.stream])).toEqual([['MilestoneCreated', `contract-${contractId}`]]);
  });
});
