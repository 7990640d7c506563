import 'reflect-metadata';
import type { AddressInfo } from 'node:net';
import { assert } from '@escrow/domain';
import { PostgresEventStore, subscriptionBatchSizeMax, toFeedMessage, type EventStore, type RecordedEvent } from '@escrow/event-store';
import { EVENT_STORE, loadConfig } from '@escrow/runtime';
import { createApp } from '../../../apps/api/src/app';
import { EventFeed } from '../../../apps/api/src/events/event-feed';
import { appendAtRate } from './append-at-rate';
import { authSecret, childConfigEnv, type ApiStartup, type ChildConfig, type ChildMessage, type ChildRequest } from './api-protocol';
import { openBenchDatabase } from '../bench-database';
import { monotonicMs } from './clock';
import { collectedSample, MemoryWatch } from './memory-watch';
import { processLoad } from './process-load';
import { seedLog } from './seed-events';

/**
 * The api process (PROCESS_ROLE=api), forked by ApiChild from this file's compiled module. It
 * imports only what the api needs, so that its memory is the api's, not the clients'.
 */
async function runApiChild(config: ChildConfig): Promise<void> {
  const db = await openBenchDatabase(config.where);
  const seedStore = await PostgresEventStore.open(db);
  const seedStarted = monotonicMs();
  await seedLog(seedStore, config.events);
  const seedMs = monotonicMs() - seedStarted;
  const sizes = await averageSizes(seedStore);
  await seedStore.close();

  const app = await createApp({
    config: loadConfig({ AUTH_SECRET: authSecret, NODE_ENV: 'test', PROCESS_ROLE: 'api', FEED_SLOW_CLIENT_TIMEOUT_MS: String(config.slowClientTimeoutMs) }),
    db,
    log: { level: 'error' },
  });
  await app.listen(0, '127.0.0.1');
  const store = app.get<EventStore>(EVENT_STORE);
  const feed = app.get(EventFeed);
  const memory = new MemoryWatch();

  const handle = async (request: ChildRequest): Promise<unknown> => {
    switch (request.op) {
      case 'stats':
        return feed.stats();
      case 'head':
        return store.headPosition();
      case 'cpu':
        return processLoad.read();
      case 'write':
        // PGlite is one process: its writers are in the api process, as in a single-process deployment.
        return appendAtRate(store, request.write!.count, request.write!.ratePerSecond, request.write!.durationMaxMs);
      case 'memoryStart':
        return memory.start();
      case 'memoryStop':
        return memory.stop();
      case 'heldHeap':
        return collectedSample().heapUsed;
      case 'batchHeap':
        return batchHeapBytes(store);
      case 'close':
        await app.close();
        await db.close();
        setImmediate(() => process.exit(0));
        return null;
    }
  };
  // Never outlive the bench: an orphaned api would keep its port and database open.
  process.once('disconnect', () => process.exit(1));
  process.on('message', (request: ChildRequest) => {
    handle(request).then(
      (value) => process.send!({ kind: 'reply', id: request.id, value } satisfies ChildMessage),
      (error: unknown) => process.send!({ kind: 'reply', id: request.id, error: String(error instanceof Error ? (error.stack ?? error.message) : error) } satisfies ChildMessage),
    );
  });
  const { port } = app.getHttpServer().address() as AddressInfo;
  const startup: ApiStartup = { seedMs, ...sizes, rssAtStart: collectedSample().rss };
  process.send!({ kind: 'ready', port, startup } satisfies ChildMessage);
}

async function averageSizes(store: EventStore): Promise<{ eventBytes: number; messageBytes: number }> {
  const sample = await store.readAll({ fromPosition: null, limit: 700 });
  const average = (size: (event: RecordedEvent) => number) => Math.round(sample.reduce((sum, event) => sum + size(event), 0) / Math.max(1, sample.length));
  return {
    eventBytes: average((event) => Buffer.byteLength(JSON.stringify(event.data)) + Buffer.byteLength(JSON.stringify(event.metadata))),
    messageBytes: average((event) => Buffer.byteLength(JSON.stringify(toFeedMessage(event)))),
  };
}

/** The heap one subscription's batch holds while the feed sends it (what each catching-up subscriber costs). */
async function batchHeapBytes(store: EventStore): Promise<number> {
  const before = collectedSample().heapUsed;
  const batch = await store.readAll({ fromPosition: null, limit: subscriptionBatchSizeMax });
  const after = collectedSample().heapUsed;
  assert(batch.length === subscriptionBatchSizeMax, 'the log holds a whole batch');
  return after - before;
}

if (require.main === module && process.env[childConfigEnv]) {
  runApiChild(JSON.parse(process.env[childConfigEnv]) as ChildConfig).catch((error: unknown) => {
    console.error(error);
    process.exit(1);
  });
}
