import { randomUUID } from 'node:crypto';
import { EventStoreDBClient, jsonEvent, type JSONEventData } from '@eventstore/db-client';
import { Empty } from '@eventstore/db-client/generated/shared_pb';
import { StreamsClient } from '@eventstore/db-client/generated/streams_grpc_pb';
import { ReadReq, type ReadResp } from '@eventstore/db-client/generated/streams_pb';
import { credentials } from '@grpc/grpc-js';
import { startEsdbTestServer } from './server';
import type { EsdbTestServer, EsdbTestServerOptions } from './types';

/** A test server and the official client pointed at it. */
export async function startWithClient(options: EsdbTestServerOptions = {}): Promise<{ server: EsdbTestServer; client: EventStoreDBClient }> {
  const server = await startEsdbTestServer(options);
  return { server, client: EventStoreDBClient.connectionString(server.url) };
}

export function someEvent(type = 'Happened', data: Record<string, unknown> = {}): JSONEventData {
  return jsonEvent({ id: randomUUID(), type, data });
}

/** A stream name no other test uses. */
export const freshStream = (prefix = 'contract-') => `${prefix}${randomUUID()}`;

/** Drains a client read into an array. */
export async function collect<T>(read: AsyncIterable<T>): Promise<T[]> {
  const items: T[] = [];
  for await (const item of read) items.push(item);
  return items;
}

/** The thrown error of `promise`, failing the test if it resolves. */
export async function rejectionOf(promise: Promise<unknown>): Promise<Error & { type?: string; code?: number }> {
  try {
    await promise;
  } catch (error) {
    return error as Error & { type?: string; code?: number };
  }
  throw new Error('expected the call to fail');
}

/**
 * A Streams.Read sent as a raw gRPC request, for what the client's own API cannot ask for (a
 * filtered read of $all by event type or regex). Defaults: $all from the start, forwards, 1,000
 * events, ids as strings, no filter; `configure` changes them.
 */
export async function rawRead(url: string, configure: (options: ReadReq.Options) => void): Promise<ReadResp[]> {
  const options = new ReadReq.Options();
  const all = new ReadReq.Options.AllOptions();
  all.setStart(new Empty());
  options.setAll(all);
  options.setReadDirection(ReadReq.Options.ReadDirection.FORWARDS);
  options.setCount('1000');
  const uuid = new ReadReq.Options.UUIDOption();
  uuid.setString(new Empty());
  options.setUuidOption(uuid);
  options.setNoFilter(new Empty());
  configure(options);
  const request = new ReadReq();
  request.setOptions(options);
  const client = new StreamsClient(new URL(url.replace(/^esdb:/, 'http:')).host, credentials.createInsecure());
  try {
    return await new Promise<ReadResp[]>((resolve, reject) => {
      const responses: ReadResp[] = [];
      const call = client.read(request);
      call.on('data', (response: ReadResp) => responses.push(response));
      call.on('error', reject);
      call.on('end', () => resolve(responses));
    });
  } finally {
    client.close();
  }
}

/** A server-side filter for rawRead. */
export function filterOn(on: 'stream' | 'type', expression: { prefixes?: string[]; regex?: string }): ReadReq.Options.FilterOptions {
  const built = new ReadReq.Options.FilterOptions.Expression();
  if (expression.prefixes) built.setPrefixList(expression.prefixes);
  if (expression.regex) built.setRegex(expression.regex);
  const filter = new ReadReq.Options.FilterOptions();
  if (on === 'stream') filter.setStreamIdentifier(built);
  else filter.setEventType(built);
  filter.setCount(new Empty());
  filter.setCheckpointintervalmultiplier(1);
  return filter;
}

/** Stream and type of each event a raw read answered. */
export function eventsOf(responses: readonly ReadResp[]): Array<{ stream: string; type: string }> {
  return responses
    .filter((response) => response.hasEvent())
    .map((response) => {
      const record = response.getEvent()!.getEvent()!;
      return { stream: Buffer.from(record.getStreamIdentifier()!.getStreamName_asU8()).toString('utf8'), type: record.getMetadataMap().get('type')! };
    });
}
