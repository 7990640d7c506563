import { BACKWARDS, type AllStreamResolvedEvent, type BaseOptions, type Direction, type EventStoreDBClient, type Position } from '@eventstore/db-client';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ReadReq } from '@eventstore/db-client/generated/streams_pb';
import { ReadStream } from '@eventstore/db-client/dist/streams/utils/ReadStream';
import { convertGrpcEvent } from '@eventstore/db-client/dist/utils';
import { assert } from '@escrow/domain';

/**
 * A read of `$all` filtered on the server by stream-name prefix.
 *
 * Client 6.2.1 offers server-side filters only on `subscribeToAll`; its `readAll` always sends
 * "no filter", which would ship every system event and every other namespace's events to us.
 * The server has served filtered reads of `$all` since 20.6: the same Read request, with a
 * filter and a count instead of a subscription. This module builds that request the way the
 * client builds its own (see its readAll and subscribeToAll) and sends it through the client's
 * channel, call arguments (credentials, requires-leader, deadline) and event decoding.
 *
 * The server pages internally until `maxCount` events matched or the log ended, so a short
 * answer means "nothing more". A forward read starts AT the position given (inclusive).
 */
export interface FilteredReadOptions {
  readonly from: Position | 'start' | 'end';
  readonly direction: Direction;
  readonly maxCount: number;
  readonly prefixes: readonly string[];
  readonly requiresLeader: boolean;
  readonly deadlineMs: number;
}

export function filteredReadRequest(options: FilteredReadOptions): ReadReq {
  assert(options.prefixes.length > 0, 'a filtered read names at least one prefix');
  assert(Number.isSafeInteger(options.maxCount) && options.maxCount > 0, 'a filtered read reads at least one event');
  const all = new ReadReq.Options.AllOptions();
  if (options.from === 'start') all.setStart(new Empty());
  else if (options.from === 'end') all.setEnd(new Empty());
  else {
    const position = new ReadReq.Options.Position();
    position.setCommitPosition(options.from.commit.toString(10));
    position.setPreparePosition(options.from.prepare.toString(10));
    all.setPosition(position);
  }
  const expression = new ReadReq.Options.FilterOptions.Expression();
  expression.setPrefixList([...options.prefixes]);
  const filter = new ReadReq.Options.FilterOptions();
  filter.setStreamIdentifier(expression);
  // "count": the search window is the page the server reads anyway; it keeps paging until done.
  filter.setCount(new Empty());
  filter.setCheckpointintervalmultiplier(1);
  const uuid = new ReadReq.Options.UUIDOption();
  uuid.setString(new Empty());

  const readOptions = new ReadReq.Options();
  readOptions.setAll(all);
  readOptions.setResolveLinks(false);
  readOptions.setCount(String(options.maxCount));
  readOptions.setUuidOption(uuid);
  readOptions.setFilter(filter);
  readOptions.setReadDirection(options.direction === BACKWARDS ? ReadReq.Options.ReadDirection.BACKWARDS : ReadReq.Options.ReadDirection.FORWARDS);
  const request = new ReadReq();
  request.setOptions(readOptions);
  return request;
}

type ReadCall = Parameters<StreamsClient['read']>;
type ReadResponses = ReturnType<StreamsClient['read']>;

/** The protected members of the client this read goes through (the same ones its own reads use). */
interface ClientInternals {
  GRPCStreamCreator(
    client: typeof StreamsClient,
    debugName: string,
    creator: (client: StreamsClient) => ReadResponses,
  ): () => Promise<ReadResponses>;
  callArguments(options: BaseOptions): [NonNullable<ReadCall[1]>, NonNullable<ReadCall[2]>];
}

export async function readAllFiltered(client: EventStoreDBClient, options: FilteredReadOptions): Promise<AllStreamResolvedEvent[]> {
  const request = filteredReadRequest(options);
  const internals = client as unknown as ClientInternals;
  const createStream = internals.GRPCStreamCreator(StreamsClient, 'readAllFiltered', (grpc) =>
    grpc.read(request, ...internals.callArguments({ requiresLeader: options.requiresLeader, deadline: options.deadlineMs })),
  );
  const convert = convertGrpcEvent as unknown as (event: Parameters<typeof convertGrpcEvent>[0]) => AllStreamResolvedEvent;
  const events: AllStreamResolvedEvent[] = [];
  for await (const event of new ReadStream<AllStreamResolvedEvent>(createStream, convert, {})) events.push(event);
  return events;
}
