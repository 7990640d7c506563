import type { Position } from '@eventstore/db-client';
import { assert } from '@escrow/domain';
import { InvalidPosition } from '../postgres/position';

/**
 * An EventStoreDB position is the pair (commit, prepare) of byte offsets in its transaction log,
 * each an unsigned 64-bit integer; `$all` is ordered by the pair. Encoded as two zero-padded
 * 20-digit decimals ("C-P"), so string order is log order: the same shape as the PostgreSQL
 * adapter's positions, which keeps the API's position validation adapter-neutral. The two
 * stores' positions look alike but mean different things: never carry one store's checkpoints
 * over to the other.
 */
const width = 20;
const pattern = /^(\d{20})-(\d{20})$/;
export const positionPartMax = 2n ** 64n - 1n;

export function encodePosition(position: Position): string {
  assert(isPart(position.commit) && isPart(position.prepare), 'position parts are unsigned 64-bit integers');
  return `${position.commit.toString().padStart(width, '0')}-${position.prepare.toString().padStart(width, '0')}`;
}

export function decodePosition(encoded: string): Position {
  const match = pattern.exec(encoded);
  if (!match) throw new InvalidPosition(encoded);
  const commit = BigInt(match[1]!);
  const prepare = BigInt(match[2]!);
  if (!isPart(commit) || !isPart(prepare)) throw new InvalidPosition(encoded);
  return { commit, prepare };
}

function isPart(value: bigint): boolean {
  return value >= 0n && value <= positionPartMax;
}
