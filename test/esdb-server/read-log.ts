import type { ServerWritableStream } from '@grpc/grpc-js';
import type { ReadReq, ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { ReadRequest } from './read-request';
import type { LoggedEvent } from './transaction-log';
import type { ReadLogEntry } from './types';

const readLogEntriesMax = 10_000;

type MutableEntry = ReadLogEntry & { sentStreams: string[] };

/**
 * What the server saw of every read: who asked, for what, from where, with which filter, and
 * which streams' events it sent back. Lets a test prove on the wire that a filter was applied by
 * the server (a client-side guard would hide a missing one).
 */
export class ReadLog {
  private readonly entries: MutableEntry[] = [];

  /** Records a read; returns what to call for each event sent on it. */
  open(call: ServerWritableStream<ReadReq, ReadResp>, request: ReadRequest): (event: LoggedEvent) => void {
    const connectionName = call.metadata.get('connection-name')[0];
    const entry: MutableEntry = {
      connectionName: connectionName === undefined ? null : String(connectionName),
      kind: request.kind,
      target: request.kind === 'stream' ? request.stream : '$all',
      direction: request.kind === 'subscribe-all' ? 'forwards' : request.direction,
      from: request.from,
      filter: request.kind === 'stream' ? null : (request.filter?.describe ?? null),
      sentStreams: [],
    };
    this.entries.push(entry);
    if (this.entries.length > readLogEntriesMax) this.entries.shift();
    return (event) => entry.sentStreams.push(event.stream);
  }

  snapshot(): ReadLogEntry[] {
    return this.entries.map((entry) => ({ ...entry, sentStreams: [...entry.sentStreams] }));
  }
}
