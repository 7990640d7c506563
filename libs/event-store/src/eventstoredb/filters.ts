import { streamNameFilter, type PrefixesFilter } from '@eventstore/db-client';
import { assert, domainStreamPrefixes } from '@escrow/domain';
import type { EventFilter } from '../event-store';

/** The streams the domain writes: one prefix per stream category of the domain's event catalog. */
export { domainStreamPrefixes };

/**
 * Which streams of the server are this store's: those named `namespace + prefix`. Everything
 * that reads `$all` (readAll, subscribe, headPosition, the append watcher) asks the server for
 * these prefixes only, so system streams (`$`…), other applications' streams and, in tests,
 * other runs' streams never reach us.
 */
export interface StoreStreams {
  readonly namespace: string;
  readonly prefixes: readonly string[];
}

export function storeStreams(options: { namespace?: string; streamPrefixes?: readonly string[] }): StoreStreams {
  const namespace = options.namespace ?? '';
  const prefixes = options.streamPrefixes ?? domainStreamPrefixes;
  assert(!namespace.startsWith('$'), 'the stream namespace is not a system stream name');
  assert(prefixes.length > 0, 'a store reads at least one stream prefix');
  for (const prefix of prefixes) {
    // An empty prefix would match every stream, system streams included.
    assert(prefix.length > 0, 'stream prefixes are not empty');
    assert(!prefix.startsWith('$'), 'stream prefixes do not name system streams');
  }
  return { namespace, prefixes: [...prefixes] };
}

/**
 * One read of `$all`: the stream-name prefixes the server filters on, and the event types we
 * filter on here. ESDB filters on stream name or on event type, never both at once: the stream
 * name is the one that keeps system streams and other namespaces out, so it goes to the server,
 * and the port's event types (when asked) are checked client-side on what comes back.
 */
export interface ReadScope {
  readonly serverPrefixes: readonly string[];
  readonly eventTypes: ReadonlySet<string> | null;
}

/** Null when the filter asks for streams outside this store: nothing can match. */
export function readScope(streams: StoreStreams, filter?: EventFilter): ReadScope | null {
  // Empty lists mean "no filter", as in the PostgreSQL adapter.
  const requested = filter?.streamPrefixes?.length ? filter.streamPrefixes : null;
  const prefixes = requested ? intersectPrefixes(streams.prefixes, requested) : [...streams.prefixes];
  if (prefixes.length === 0) return null;
  return {
    serverPrefixes: prefixes.map((prefix) => `${streams.namespace}${prefix}`),
    eventTypes: filter?.eventTypes?.length ? new Set(filter.eventTypes) : null,
  };
}

/** The client's filter object for subscribeToAll (and our filtered read of `$all`). */
export function serverStreamFilter(scope: ReadScope): PrefixesFilter {
  return streamNameFilter({ prefixes: [...scope.serverPrefixes] });
}

/** The same test the server applied, plus the event types: a guard on what came back. */
export function inReadScope(scope: ReadScope, streamName: string, type: string): boolean {
  if (!scope.serverPrefixes.some((prefix) => streamName.startsWith(prefix))) return false;
  return scope.eventTypes === null || scope.eventTypes.has(type);
}

/**
 * Streams matching one of `store` and one of `requested`: for each pair, the longer prefix when
 * one extends the other (asking for `contract-42` inside `contract-`), none when they diverge.
 */
export function intersectPrefixes(store: readonly string[], requested: readonly string[]): string[] {
  const result = new Set<string>();
  for (const own of store) {
    for (const asked of requested) {
      if (asked.startsWith(own)) result.add(asked);
      else if (own.startsWith(asked)) result.add(own);
    }
  }
  return [...result];
}
