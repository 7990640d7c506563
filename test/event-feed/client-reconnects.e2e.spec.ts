import type { AddressInfo } from 'node:net';
import type { EventStore } from '@escrow/event-store';
import { allEvents } from '../support/api-checks';
import { FeedRequestRefused, readPage, subscribe, type FeedEvent } from '@escrow/client';
import type { SqlDb } from '@escrow/sql';
import { describeEachDatabase } from '../support/databases';
import { eventually, startApp, type RunningApp } from '../support/app';
import { startCuttingProxy, type CuttingProxy } from './cutting-proxy';
import { appendMany, storeOf } from './feed-support';

const eventCount = 3_000;

describeEachDatabase('libs/client subscribe over a connection that keeps being cut', (target) => {
  let db: SqlDb;
  let app: RunningApp;
  let store: EventStore;
  let proxy: CuttingProxy;

  beforeAll(async () => {
    db = await target.open();
    app = await startApp(db, { env: { PROCESS_ROLE: 'api' } });
    store = storeOf(app);
    const { port } = app.app.getHttpServer().address() as AddressInfo;
    // Cut after 2–40 kB: dozens of cuts, many of them inside a message.
    proxy = await startCuttingProxy(port, { minBytes: 2_000, maxBytes: 40_000, seed: 20261201 });
  });
  afterAll(async () => {
    await proxy.close();
    await app.close();
    await db.close();
  });

  it(`delivers each of ${eventCount} events exactly once, in order, while they are being written`, async () => {
    await appendMany(store, eventCount / 2);
    const seen: FeedEvent[] = [];
    let disconnects = 0;
    const subscription = subscribe(
      { baseUrl: proxy.url, token: app.token('service', 'svc-1'), backoff: { initialMs: 1, maxMs: 20 }, onDisconnect: () => disconnects++ },
      async (event) => {
        seen.push(event);
        // A consumer doing some work per event.
        if (seen.length % 100 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
      },
    );
    // The second half is written while the subscriber is catching up and being cut.
    await appendMany(store, eventCount / 2, 25);
    const all = await allEvents(store);
    await eventually(async () => (seen.length >= all.length ? true : undefined), 'every event', 60_000);
    await subscription.stop();
    await expect(subscription.done).resolves.toBeUndefined();

    expect(seen.map((e) => e.position)).toEqual(all.map((e) => e.position));
    expect(new Set(seen.map((e) => e.position)).size).toBe(all.length);
    expect(seen.at(-1)).toMatchObject({ type: all.at(-1)!.type, stream: all.at(-1)!.streamId, data: all.at(-1)!.data });
    expect(subscription.lastPosition()).toBe(all.at(-1)!.position);
    expect(proxy.cuts()).toBeGreaterThanOrEqual(20);
    expect(disconnects).toBeGreaterThanOrEqual(proxy.cuts() - 1);
  });

  it('resumes from a checkpoint the caller kept, without repeating what it had', async () => {
    const all = await allEvents(store);
    let checkpoint: string | null = null;
    const first: string[] = [];
    const stopAt = 700;
    await new Promise<void>((resolve, reject) => {
      // Straight to the app: this is about the caller's checkpoint, the cuts are the test above.
      const subscription = subscribe({ baseUrl: app.baseUrl, token: () => app.token('finance', 'fin-1') }, async (event) => {
        if (first.length === stopAt) return;
        first.push(event.position);
        checkpoint = event.position;
        if (first.length === stopAt) void subscription.stop().then(resolve, reject);
      });
    });
    const rest: string[] = [];
    const resumed = subscribe({ baseUrl: app.baseUrl, token: app.token('finance', 'fin-1'), from: checkpoint }, (event) => {
      rest.push(event.position);
    });
    await eventually(async () => (first.length + rest.length >= all.length ? true : undefined), 'the rest', 60_000);
    await resumed.stop();
    expect([...first, ...rest]).toEqual(all.map((e) => e.position));
  });

  it('stops on a refusal instead of retrying it, and on a handler error without marking the event delivered', async () => {
    const refused = subscribe({ baseUrl: app.baseUrl, token: app.token('employer', 'emp-1') }, () => undefined);
    await expect(refused.done).rejects.toBeInstanceOf(FeedRequestRefused);
    // A party must name a contract of its own: refused with 400, and not retried.
    await expect(refused.done).rejects.toMatchObject({ status: 400 });

    const all = await allEvents(store);
    const failing = subscribe({ baseUrl: app.baseUrl, token: app.token('service', 'svc-1') }, (event) => {
      if (event.position === all[10]!.position) throw new Error('consumer broke');
    });
    await expect(failing.done).rejects.toThrow('consumer broke');
    expect(failing.lastPosition()).toBe(all[9]!.position);
  });

  it('reads the same log page by page', async () => {
    const all = await allEvents(store);
    const seen: string[] = [];
    let from: string | null = null;
    for (;;) {
      const page = await readPage({ baseUrl: app.baseUrl, token: app.token('support', 'sup-1'), from, limit: 1_000 });
      seen.push(...page.events.map((e) => e.position));
      from = page.next;
      if (!page.hasMore) break;
    }
    expect(seen).toEqual(all.map((e) => e.position));
  });
});
