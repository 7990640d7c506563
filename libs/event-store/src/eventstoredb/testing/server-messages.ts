import { PassThrough } from 'node:stream';
import { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';

/**
 * Messages as an EventStoreDB server sends them over gRPC, so unit tests run the client's own
 * decoding (and its subscription stream) without a server.
 */
export interface ServerEventFields {
  readonly id?: string;
  readonly stream?: string;
  readonly type?: string;
  readonly revision?: string;
  readonly commit?: string;
  readonly prepare?: string;
  readonly contentType?: string;
  /** 100 ns ticks since the Unix epoch, as the server sends `created`. */
  readonly createdTicks?: string;
  readonly data?: string;
  readonly metadata?: string;
}

export function readEventMessage(fields: ServerEventFields): ReadResp.ReadEvent {
  const record = new ReadResp.ReadEvent.RecordedEvent();
  const id = new UUID();
  id.setString(fields.id ?? '6f1c0b3e-9a51-4c1e-8a7e-3d1f0c2b4a59');
  record.setId(id);
  const stream = new StreamIdentifier();
  stream.setStreamName(Buffer.from(fields.stream ?? 'contract-42'));
  record.setStreamIdentifier(stream);
  record.setStreamRevision(fields.revision ?? '0');
  record.setCommitPosition(fields.commit ?? '100');
  record.setPreparePosition(fields.prepare ?? fields.commit ?? '100');
  record.getMetadataMap().set('type', fields.type ?? 'Happened');
  record.getMetadataMap().set('content-type', fields.contentType ?? 'application/json');
  record.getMetadataMap().set('created', fields.createdTicks ?? '17000000000000000');
  record.setData(Buffer.from(fields.data ?? '{}'));
  record.setCustomMetadata(Buffer.from(fields.metadata ?? '{}'));
  const event = new ReadResp.ReadEvent();
  event.setEvent(record);
  event.setCommitPosition(fields.commit ?? '100');
  return event;
}

export function eventResponse(fields: ServerEventFields): ReadResp {
  const response = new ReadResp();
  response.setEvent(readEventMessage(fields));
  return response;
}

/** A grpc-js server stream's behaviour that the client relies on: cancel ends it, then errors. */
export class FakeReadCall extends PassThrough {
  cancelled = false;

  constructor() {
    super({ objectMode: true });
  }

  cancel(): void {
    if (this.cancelled) return;
    this.cancelled = true;
    this.push(null);
    this.emit('error', Object.assign(new Error('1 CANCELLED: Cancelled on client'), { code: 1, details: 'Cancelled on client' }));
  }

  /** The server failing the call (e.g. a leader change): code 14 is UNAVAILABLE. */
  fail(code = 14, details = 'connection dropped'): void {
    this.emit('error', Object.assign(new Error(`${code} ${details}`), { code, details }));
  }
}
