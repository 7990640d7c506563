import { StreamIdentifier, UUID } from '@eventstore/db-client/generated/shared_pb';
import { ReadResp } from '@eventstore/db-client/generated/streams_pb';
import type { LogPosition } from './log-position';
import type { LoggedEvent } from './transaction-log';

/**
 * An event as Streams.Read sends it (ConvertToReadEvent / ConvertToRecordedEvent): id as a
 * string (the client asks for that), stream, revision, the position pair, metadata `type`,
 * `created` (100 ns ticks since the epoch) and `content-type`. A self-committed event's position
 * is known wherever it is read from, so stream reads carry it too.
 */
export function eventResponse(event: LoggedEvent): ReadResp {
  const id = new UUID();
  id.setString(event.eventId);
  const record = new ReadResp.ReadEvent.RecordedEvent();
  record.setId(id);
  record.setStreamIdentifier(streamIdentifier(event.stream));
  record.setStreamRevision(String(event.revision));
  record.setCommitPosition(event.offset.toString());
  record.setPreparePosition(event.offset.toString());
  record.getMetadataMap().set('type', event.eventType);
  record.getMetadataMap().set('created', event.createdTicks.toString());
  record.getMetadataMap().set('content-type', event.isJson ? 'application/json' : 'application/octet-stream');
  record.setData(event.data);
  record.setCustomMetadata(event.metadata);
  const readEvent = new ReadResp.ReadEvent();
  readEvent.setEvent(record);
  readEvent.setCommitPosition(event.offset.toString());
  const response = new ReadResp();
  response.setEvent(readEvent);
  return response;
}

export function streamNotFoundResponse(stream: string): ReadResp {
  const notFound = new ReadResp.StreamNotFound();
  notFound.setStreamIdentifier(streamIdentifier(stream));
  const response = new ReadResp();
  response.setStreamNotFound(notFound);
  return response;
}

export function confirmationResponse(subscriptionId: string): ReadResp {
  const confirmation = new ReadResp.SubscriptionConfirmation();
  confirmation.setSubscriptionId(subscriptionId);
  const response = new ReadResp();
  response.setConfirmation(confirmation);
  return response;
}

export function checkpointResponse(position: LogPosition): ReadResp {
  const checkpoint = new ReadResp.Checkpoint();
  checkpoint.setCommitPosition(position.commit.toString());
  checkpoint.setPreparePosition(position.prepare.toString());
  const response = new ReadResp();
  response.setCheckpoint(checkpoint);
  return response;
}

export function caughtUpResponse(): ReadResp {
  const response = new ReadResp();
  response.setCaughtUp(new ReadResp.CaughtUp());
  return response;
}

function streamIdentifier(stream: string): StreamIdentifier {
  const identifier = new StreamIdentifier();
  identifier.setStreamName(Buffer.from(stream, 'utf8'));
  return identifier;
}
