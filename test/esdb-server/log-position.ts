/**
 * Positions in the transaction log, as EventStoreDB has them: byte offsets. A `$all` position is
 * the pair (commit, prepare) and `$all` is ordered by the pair. Every event written over gRPC is a
 * self-committed prepare record, so its position has commit == prepare == the record's own offset
 * (EventStore src/EventStore.Core/Data/ResolvedEvent.cs, CalculatePosition: "unless it committed
 * itself"). Offsets grow by each record's size, so they increase and are not dense.
 */
export interface LogPosition {
  readonly commit: bigint;
  readonly prepare: bigint;
}

/** Before the first record (the server's TFPos.HeadOfTf): every event is after it. */
export const beforeFirstRecord: LogPosition = { commit: -1n, prepare: -1n };

export function positionOfRecord(offset: bigint): LogPosition {
  return { commit: offset, prepare: offset };
}

export function comparePositions(a: LogPosition, b: LogPosition): number {
  if (a.commit !== b.commit) return a.commit < b.commit ? -1 : 1;
  if (a.prepare !== b.prepare) return a.prepare < b.prepare ? -1 : 1;
  return 0;
}

/**
 * Fixed fields of a v2 prepare record (type, version, log position, flags, transaction position
 * and offset, expected version, event id, correlation id, timestamp, data and metadata lengths)
 * plus the length prefix and suffix that frame every record in a chunk. Sizing records like this
 * makes offsets step the way a real log's do; byte-for-byte equality with a real server is not a
 * goal (nothing may depend on it).
 */
const prepareRecordFixedBytes = 80;
const recordFramingBytes = 8;

export function prepareRecordSize(streamName: string, eventType: string, data: Uint8Array, metadata: Uint8Array): bigint {
  const text = (value: string) => {
    const bytes = Buffer.byteLength(value, 'utf8');
    return bytes + lengthPrefixBytes(bytes);
  };
  return BigInt(recordFramingBytes + prepareRecordFixedBytes + text(streamName) + text(eventType) + data.length + metadata.length);
}

/** .NET's BinaryWriter writes a string's length as a 7-bit encoded integer. */
function lengthPrefixBytes(length: number): number {
  let bytes = 1;
  for (let rest = length >>> 7; rest > 0; rest >>>= 7) bytes += 1;
  return bytes;
}
