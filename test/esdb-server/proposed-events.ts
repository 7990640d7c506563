import type { UUID } from '@eventstore/db-client/generated/shared_pb';
import type { BatchAppendReq } from '@eventstore/db-client/generated/streams_pb';
import { NotModelled } from './call-errors';
import type { ProposedEvent } from './transaction-log';

const jsonContentType = 'application/json';
const hyphenated = '[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}';
/** Guid.Parse's formats N, D, B and P. */
const guidFormats = new RegExp(`^(?:[0-9a-f]{32}|${hyphenated}|\\{${hyphenated}\\}|\\(${hyphenated}\\))$`, 'i');
const emptyGuid = '00000000-0000-0000-0000-000000000000';

/**
 * A proposed message as the server turns it into an event (Streams.BatchAppend, FromProposedMessage,
 * then the Event constructor): the id parsed as a Guid, the type and content type from the
 * metadata map. Event ids are kept in .NET's "D" format (lower case), as the server returns them.
 * A message the server would refuse (it answers that append with a BadRequest status) fails the
 * whole call here instead: what the server does with the rest of that append is not modelled.
 */
export function proposedEvent(message: BatchAppendReq.ProposedMessage): ProposedEvent {
  const eventId = guidOf(message.getId());
  if (eventId === emptyGuid) throw refused('Empty eventId provided.');
  const metadataMap = message.getMetadataMap();
  const eventType = metadataMap.get('type');
  if (eventType === undefined) throw refused('an event without a type');
  if (eventType === '') throw refused('Empty eventType provided.');
  const contentType = metadataMap.get('content-type');
  if (contentType === undefined) throw refused('an event without a content type');
  return {
    eventId,
    eventType,
    // Anything but JSON is stored as binary, and read back as application/octet-stream.
    isJson: contentType === jsonContentType,
    data: message.getData_asU8(),
    metadata: message.getCustomMetadata_asU8(),
  };
}

/** How the server counts an append against MaxAppendSize (Event.SizeOnDisk: type in UTF-16 units). */
export function sizeOnDisk(event: ProposedEvent): number {
  return event.data.length + event.metadata.length + event.eventType.length * 2;
}

function refused(reason: string): NotModelled {
  return new NotModelled(`an append the server refuses as BadRequest (${reason})`);
}

function guidOf(uuid: UUID | undefined): string {
  if (uuid === undefined || !uuid.hasString()) throw new NotModelled('an event id sent as a structured UUID');
  const text = uuid.getString();
  if (!guidFormats.test(text)) throw refused(`event id ${JSON.stringify(text)}: Unrecognized Guid format.`);
  const digits = text.toLowerCase().replace(/[^0-9a-f]/g, '');
  return `${digits.slice(0, 8)}-${digits.slice(8, 12)}-${digits.slice(12, 16)}-${digits.slice(16, 20)}-${digits.slice(20)}`;
}
