/**
 * THIS IS NOT EVENTSTOREDB. It is an in-process gRPC server, for tests, that speaks the subset of
 * EventStoreDB's client protocol our adapter (libs/event-store/src/eventstoredb) uses, so that the
 * official client (@eventstore/db-client) runs against it over real gRPC. It follows EventStoreDB
 * 23.10, the version docker-compose.yml runs, in:
 *
 * - ServerFeatures.GetSupportedMethods, listing only what is implemented;
 * - Streams.BatchAppend with the server's duplicate check (commit-check.ts: expected revisions,
 *   `no_stream`, `any`, `stream_exists`, idempotent retries, "corrupted idempotency", retries of
 *   writes not yet indexed), the maximum append size, deadlines and the write timeout;
 * - Streams.Read of a stream (forwards, backwards, "not found"), of `$all` (forwards inclusive,
 *   backwards exclusive, from a position, the start or the end, filtered on stream name or event
 *   type by prefixes or a regex), and catch-up subscriptions to `$all` (from the start, the end or
 *   a position, then live; checkpoints when filtered);
 * - a transaction log whose positions are byte offsets (commit == prepare, increasing, not dense)
 *   and which holds the node's own system events (`$$$stats-…` `$metadata`, `$stats-…`).
 *
 * Anything else is refused with UNIMPLEMENTED (unknown methods by gRPC itself; unmodelled options
 * of the methods above by NotModelled), never answered the way a real server might not. README.md
 * beside this file lists what is modelled and where each rule comes from. Runs against a real
 * server (EVENTSTORE_URL) remain the authority: when the two disagree, this one is wrong.
 */
import { Server, ServerCredentials, status, type UntypedServiceImplementation } from '@grpc/grpc-js';
import { ServerFeaturesService } from '@eventstore/db-client/generated/serverfeatures_grpc_pb';
import { StreamsService } from '@eventstore/db-client/generated/streams_grpc_pb';
import { batchAppendHandler } from './batch-append';
import { readHandler, type SubscriptionRegistry } from './read-handler';
import { ReadLog } from './read-log';
import { getSupportedMethods } from './server-features';
import { allStoredEvents, storedEvent } from './stored-events';
import { statsPeriodDefaultMs, SystemEvents } from './system-events';
import { TransactionLog } from './transaction-log';
import type { EsdbTestServer, EsdbTestServerOptions } from './types';

const writeTimeoutDefaultMs = 2_000;
const maxAppendSizeDefaultBytes = 1_048_576;
const recentEventIdsDefaultMax = 100_000;

export async function startEsdbTestServer(options: EsdbTestServerOptions = {}): Promise<EsdbTestServer> {
  const log = new TransactionLog({ indexDelayMs: options.indexDelayMs ?? 0, recentEventIdsMax: options.recentEventIdsMax ?? recentEventIdsDefaultMax });
  const subscriptions: SubscriptionRegistry = new Set();
  const readLog = new ReadLog();
  const systemEvents = new SystemEvents(log, options.statsPeriodMs ?? statsPeriodDefaultMs);
  const server = new Server();
  // Methods left out of an implementation answer UNIMPLEMENTED (grpc-js's default handler).
  server.addService(StreamsService, {
    read: readHandler(log, subscriptions, readLog),
    batchAppend: batchAppendHandler(log, {
      maxAppendSizeBytes: options.maxAppendSizeBytes ?? maxAppendSizeDefaultBytes,
      writeTimeoutMs: options.writeTimeoutMs ?? writeTimeoutDefaultMs,
    }),
  } as UntypedServiceImplementation);
  server.addService(ServerFeaturesService, { getSupportedMethods } as UntypedServiceImplementation);
  const port = await new Promise<number>((resolve, reject) => {
    server.bindAsync(`127.0.0.1:${options.port ?? 0}`, ServerCredentials.createInsecure(), (error, bound) => (error ? reject(error) : resolve(bound)));
  });
  systemEvents.start();

  return {
    url: `esdb://127.0.0.1:${port}?tls=false`,
    port,
    events: () => allStoredEvents(log),
    stream: (name) => log.indexedStream(name).map(storedEvent),
    reads: () => readLog.snapshot(),
    collectStats: () => storedEvent(systemEvents.collectStats()),
    forgetRecentEventIds: () => log.recentEventIds.forget(),
    dropSubscriptions() {
      const running = [...subscriptions];
      // How 23.10 ends a live subscriber it gave up on (RpcExceptions.Timeout: ABORTED).
      const details = 'Operation timed out: Consumer too slow to handle event while live. Client resubscription required.';
      for (const subscription of running) subscription.drop({ code: status.ABORTED, details });
      return running.length;
    },
    async close() {
      systemEvents.stop();
      for (const subscription of subscriptions) subscription.stop();
      log.close();
      server.forceShutdown();
    },
  };
}
