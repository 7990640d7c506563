import { BadRequestException } from '@nestjs/common';
import { comparePositions, isPosition, type EventStore } from '@escrow/event-store';

/**
 * `?minPosition=` asks a read to wait until a write is reflected. Checked in full before any wait:
 * not a position → 400; beyond the last committed event → 400 (it was never handed out, so
 * waiting could not help, and "retry" would be a lie).
 */
export async function checkedMinPosition(store: EventStore, raw: string | undefined): Promise<string | null> {
  if (raw === undefined) return null;
  if (!isPosition(raw)) throw new BadRequestException('minPosition: not a position (use the position a write returned)');
  const head = await store.committedHeadPosition();
  if (comparePositions(raw, head) > 0) {
    throw new BadRequestException(`minPosition: beyond the end of the log (last position ${head ?? 'none: the log is empty'})`);
  }
  return raw;
}
