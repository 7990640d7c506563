import { BadRequestException } from '@nestjs/common';
import { isPosition } from '@escrow/event-store';
import { parseAccount, type ParsedAccount } from '@escrow/ledger';
import type { EntryKey, LedgerBound } from '@escrow/projections/escrow-ledger';

export const accountPageSizeDefault = 100;
export const accountPageSizeMax = 1_000;
const prefixPattern = /^[A-Za-z0-9_:-]{0,100}$/;
const cursorPattern = /^(\d{20}-\d{20})\/(\d{1,3})$/;
/** Date-time with an explicit zone: "as of 2026-03-01" alone would leave the time zone to guesswork. */
const dateTimePattern = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2})(?::(\d{2})(?:\.(\d{1,9}))?)?(Z|([+-])(\d{2}):(\d{2}))$/;

const boundHint = 'an ISO-8601 date-time with a time zone (2026-03-01T12:00:00Z) or a global position (00000000000000000745-00000000000000001203)';

/** `asOf`, `from`, `to`: a global position or an instant; absent means unbounded. */
export function parseBound(raw: string | undefined, field: string): LedgerBound | null {
  if (raw === undefined) return null;
  if (isPosition(raw)) return { kind: 'position', position: raw };
  const time = parseDateTime(raw);
  if (time === null) throw new BadRequestException(`${field}: must be ${boundHint}`);
  return { kind: 'time', time };
}

/** Normalised to UTC with milliseconds, the precision of occurredAt (finer digits are cut, not rounded). */
function parseDateTime(raw: string): string | null {
  const match = dateTimePattern.exec(raw);
  if (!match) return null;
  const [year, month, day, hour, minute, second] = [1, 2, 3, 4, 5, 6].map((i) => Number(match[i] ?? '0')) as [number, number, number, number, number, number];
  const millis = Number((match[7] ?? '').padEnd(3, '0').slice(0, 3));
  const sign = match[9] === '-' ? -1 : 1;
  const [offsetHours, offsetMinutes] = [Number(match[10] ?? '0'), Number(match[11] ?? '0')];
  if (hour > 23 || minute > 59 || second > 59 || offsetHours > 23 || offsetMinutes > 59) return null;
  const local = new Date(Date.UTC(year, month - 1, day, hour, minute, second, millis));
  if (local.getUTCFullYear() !== year || local.getUTCMonth() !== month - 1 || local.getUTCDate() !== day) return null;
  return new Date(local.getTime() - sign * (offsetHours * 60 + offsetMinutes) * 60_000).toISOString();
}

/** Shown back in responses as the caller meant it: the position, or the instant in UTC. */
export function describeBound(bound: LedgerBound | null): string | null {
  if (bound === null) return null;
  return bound.kind === 'position' ? bound.position : bound.time;
}

export function requireOrderedBounds(from: LedgerBound | null, to: LedgerBound | null): void {
  if (from === null || to === null || from.kind !== to.kind) return;
  // Positions are fixed-width and times are ISO UTC with milliseconds: string order is their order.
  if ((describeBound(from) ?? '') > (describeBound(to) ?? '')) throw new BadRequestException('from: must not be after to');
}

export function parseAccountParam(raw: string): ParsedAccount {
  const account = parseAccount(raw);
  if (account === null) {
    throw new BadRequestException(
      'account: not in the chart of accounts (platform:stripe_balance, platform:fee_revenue, platform:stripe_fees, escrow:contract:<contractId>, trainer_payable:<trainerId>)',
    );
  }
  return account;
}

export function parsePrefix(raw: string | undefined): string | null {
  if (raw === undefined || raw === '') return null;
  if (!prefixPattern.test(raw)) throw new BadRequestException('prefix: must be up to 100 letters, digits, _, - or :');
  return raw;
}

export function parseLimit(raw: string | undefined): number {
  if (raw === undefined) return accountPageSizeDefault;
  const limit = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= accountPageSizeMax)) throw new BadRequestException(`limit: must be an integer from 1 to ${accountPageSizeMax}`);
  return limit;
}

/** Cursors are opaque to callers: the key of the last entry served, base64url-encoded. */
export function encodeCursor(key: EntryKey): string {
  return Buffer.from(`${key.position}/${key.entryIndex}`, 'utf8').toString('base64url');
}

export function parseCursor(raw: string | undefined): EntryKey | null {
  if (raw === undefined) return null;
  const match = cursorPattern.exec(Buffer.from(raw, 'base64url').toString('utf8'));
  if (!match || !isPosition(match[1]!)) throw new BadRequestException('cursor: not a cursor from a previous page (use nextCursor as given)');
  return { position: match[1]!, entryIndex: Number(match[2]) };
}
