import { BadRequestException } from '@nestjs/common';
import { comparePositions, isPosition, parseAnchor, type VerifyOptions } from '@escrow/event-store';

const positionHint = 'a global position (00000000000000000745-00000000000000001203)';
const anchorHint = '<position>.<64 lowercase hex digits>, the `anchor` value GET /v1/audit/anchor answered';

/**
 * `from` (exclusive: the events after it, like the feed's `from`), `to` (inclusive) and `anchor`
 * of GET /v1/audit/verify, each a 400 naming the parameter when it is not one.
 */
export function parseVerifyQuery(raw: { from?: unknown; to?: unknown; anchor?: unknown }): VerifyOptions {
  const from = position(raw.from, 'from');
  const to = position(raw.to, 'to');
  const anchor = anchorOf(raw.anchor);
  if (from !== null && to !== null && comparePositions(from, to) > 0) throw new BadRequestException('from: must not be after to');
  if (anchor !== null && from !== null) {
    throw new BadRequestException('anchor: is checked by a walk from the start of the log; leave out from');
  }
  if (anchor !== null && to !== null && comparePositions(to, anchor.position) < 0) {
    throw new BadRequestException("to: must not be before the anchor's position");
  }
  return { from, to, anchor };
}

function position(raw: unknown, field: string): string | null {
  if (raw === undefined) return null;
  if (typeof raw !== 'string' || !isPosition(raw)) throw new BadRequestException(`${field}: must be ${positionHint}`);
  return raw;
}

function anchorOf(raw: unknown) {
  if (raw === undefined) return null;
  const anchor = typeof raw === 'string' ? parseAnchor(raw) : null;
  if (anchor === null) throw new BadRequestException(`anchor: must be ${anchorHint}`);
  return anchor;
}
