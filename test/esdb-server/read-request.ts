import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { InvalidRequest, NotModelled } from './call-errors';
import { eventFilterOf, type EventFilter } from './event-filter';
import type { LogPosition } from './log-position';

export type Direction = 'forwards' | 'backwards';

/** The request kinds Streams.Read serves here; every other combination is refused. */
export type ReadRequest =
  | {
      readonly kind: 'stream';
      readonly stream: string;
      readonly direction: Direction;
      readonly from: { readonly revision: number } | 'start' | 'end';
      readonly count: number;
    }
  | {
      readonly kind: 'all';
      readonly direction: Direction;
      readonly from: LogPosition | 'start' | 'end';
      readonly count: number;
      readonly filter: EventFilter | null;
    }
  | {
      readonly kind: 'subscribe-all';
      readonly from: LogPosition | 'start' | 'end';
      readonly filter: EventFilter | null;
      readonly window: FilterWindow | null;
    };

/** How a filtered subscription pages and checkpoints (FilterOptions window and multiplier). */
export interface FilterWindow {
  /** Events considered per page read: the `max` window, or the server's ReadBatchSize (32) for `count`. */
  readonly searchWindow: number;
  /** A checkpoint is due after this many events considered: multiplier × search window. */
  readonly checkpointInterval: number;
}

/** The server's page size for reads behind subscriptions (Enumerator ReadBatchSize). */
export const readBatchSize = 32;

/**
 * Reads the request the way Streams.Read dispatches it on (stream or `$all`, count or
 * subscription, direction, filter). Refused as unmodelled: structured UUIDs in answers, resolving
 * links, the `compatibility` control option, subscriptions to a single stream.
 */
export function readRequestOf(request: ReadReq): ReadRequest {
  const options = request.getOptions();
  if (options === undefined) throw new InvalidRequest('a read without options');
  if (options.getUuidOption()?.getContentCase() !== ReadReq.Options.UUIDOption.ContentCase.STRING) {
    throw new NotModelled('answering with event ids as structured UUIDs');
  }
  if (options.getResolveLinks()) throw new NotModelled('resolving link events');
  if ((options.getControlOption()?.getCompatibility() ?? 0) !== 0) throw new NotModelled('the compatibility control option');
  const direction: Direction = options.getReadDirection() === ReadReq.Options.ReadDirection.BACKWARDS ? 'backwards' : 'forwards';
  const cases = ReadReq.Options;
  const filtered = options.getFilterOptionCase() === cases.FilterOptionCase.FILTER;
  const subscription = options.getCountOptionCase() === cases.CountOptionCase.SUBSCRIPTION;
  if (options.getStreamOptionCase() === cases.StreamOptionCase.STREAM) {
    if (filtered) throw new InvalidRequest('The combination of (Stream, _, _, Filter) is invalid.');
    if (subscription) throw new NotModelled('subscribing to a single stream');
    return streamRead(options.getStream()!, direction, count(options));
  }
  if (options.getStreamOptionCase() !== cases.StreamOptionCase.ALL) throw new InvalidRequest('a read of neither a stream nor $all');
  const all = options.getAll()!;
  const filter = filtered ? eventFilterOf(options.getFilter()!) : null;
  if (!subscription) return { kind: 'all', direction, from: allFrom(all), count: count(options), filter };
  if (direction === 'backwards') throw new InvalidRequest('The combination of (All, Subscription, Backwards, _) is invalid.');
  return { kind: 'subscribe-all', from: allFrom(all), filter, window: filtered ? windowOf(options.getFilter()!) : null };
}

function streamRead(stream: ReadReq.Options.StreamOptions, direction: Direction, count: number): ReadRequest {
  const name = Buffer.from(stream.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8');
  const cases = ReadReq.Options.StreamOptions.RevisionOptionCase;
  switch (stream.getRevisionOptionCase()) {
    case cases.START:
      return { kind: 'stream', stream: name, direction, from: 'start', count };
    case cases.END:
      return { kind: 'stream', stream: name, direction, from: 'end', count };
    case cases.REVISION:
      return { kind: 'stream', stream: name, direction, from: { revision: Number(stream.getRevision()) }, count };
    default:
      throw new InvalidRequest('a stream read without a revision option');
  }
}

function allFrom(all: ReadReq.Options.AllOptions): LogPosition | 'start' | 'end' {
  const cases = ReadReq.Options.AllOptions.AllOptionCase;
  switch (all.getAllOptionCase()) {
    case cases.START:
      return 'start';
    case cases.END:
      return 'end';
    case cases.POSITION: {
      const position = all.getPosition()!;
      return { commit: BigInt(position.getCommitPosition()), prepare: BigInt(position.getPreparePosition()) };
    }
    default:
      throw new InvalidRequest('a read of $all without a position option');
  }
}

function count(options: ReadReq.Options): number {
  // A u64 on the wire; the client sends Number.MAX_SAFE_INTEGER for "all of it".
  const value = Number(options.getCount());
  return Number.isSafeInteger(value) ? value : Number.MAX_SAFE_INTEGER;
}

function windowOf(filter: ReadReq.Options.FilterOptions): FilterWindow {
  const window = filter.getWindowCase() === ReadReq.Options.FilterOptions.WindowCase.MAX ? filter.getMax() : readBatchSize;
  const multiplier = filter.getCheckpointintervalmultiplier();
  if (window <= 0 || multiplier <= 0) throw new InvalidRequest('a filter window and checkpoint interval multiplier above zero');
  return { searchWindow: window, checkpointInterval: window * multiplier };
}
