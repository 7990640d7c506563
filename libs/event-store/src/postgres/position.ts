import { assert } from '@escrow/domain';

/**
 * A PostgreSQL position is the pair (transaction id, sequence number), the order in which
 * readers see events. Encoded as two zero-padded 20-digit decimals so that string order is
 * log order: "00000000000000000745-00000000000000001203".
 */
const width = 20;
const pattern = /^(\d{20})-(\d{20})$/;
/**
 * Both parts are signed 64-bit integers in the stores (PostgreSQL's bigint sequence, and the
 * transaction id's real range; EventStoreDB's log positions are longs too): a position with a
 * larger part was never handed out, and would fail inside the database's casts.
 */
export const positionPartMax = 2n ** 63n - 1n;

export interface PostgresPosition {
  readonly transactionId: string;
  readonly sequence: string;
}

export function encodePosition(transactionId: string, sequence: string): string {
  assert(/^\d+$/.test(transactionId) && /^\d+$/.test(sequence), 'position parts are unsigned integers');
  return `${transactionId.padStart(width, '0')}-${sequence.padStart(width, '0')}`;
}

export function decodePosition(position: string): PostgresPosition {
  const match = pattern.exec(position);
  if (!match || !withinBounds(match)) throw new InvalidPosition(position);
  return { transactionId: stripZeros(match[1]!), sequence: stripZeros(match[2]!) };
}

export function isPosition(value: string): boolean {
  const match = pattern.exec(value);
  return match !== null && withinBounds(match);
}

function withinBounds(match: RegExpExecArray): boolean {
  return BigInt(match[1]!) <= positionPartMax && BigInt(match[2]!) <= positionPartMax;
}

export class InvalidPosition extends Error {
  constructor(readonly position: string) {
    super(`not a valid position: ${JSON.stringify(position)}`);
    this.name = 'InvalidPosition';
  }
}

function stripZeros(digits: string): string {
  return digits.replace(/^0+(?=\d)/, '');
}
