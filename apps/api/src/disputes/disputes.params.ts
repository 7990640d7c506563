import { BadRequestException } from '@nestjs/common';
import type { DisputeStatus } from '@escrow/projections/disputes';
import { parseBound } from '../ledger/ledger.params';

export const disputesPageSizeDefault = 100;
export const disputesPageSizeMax = 1_000;

/** `status`: open or resolved; absent means both. */
export function parseDisputeStatus(raw: string | undefined): DisputeStatus | null {
  if (raw === undefined) return null;
  if (raw === 'open' || raw === 'resolved') return raw;
  throw new BadRequestException('status: must be open or resolved');
}

/** Weeks, days, hours, minutes, seconds: years and months have no fixed length, so they are refused. */
const durationPattern = /^P(?!$)(?:(\d{1,4})W)?(?:(\d{1,5})D)?(?:T(?!$)(?:(\d{1,6})H)?(?:(\d{1,7})M)?(?:(\d{1,9})S)?)?$/;
const olderThanHint =
  'an ISO-8601 duration in weeks, days, hours, minutes or seconds (P7D, PT36H, P1DT12H) or a date-time with a time zone (2026-03-01T12:00:00Z)';

/**
 * `olderThan`: disputes opened before an instant, given as a duration back from `now` (P7D: opened
 * more than 7 days ago) or as the instant itself. Answers the instant in ISO UTC with milliseconds.
 */
export function parseOlderThan(raw: string | undefined, now: Date): string | null {
  if (raw === undefined) return null;
  const duration = durationPattern.exec(raw);
  if (duration) {
    const [weeks, days, hours, minutes, seconds] = [1, 2, 3, 4, 5].map((i) => Number(duration[i] ?? '0')) as [number, number, number, number, number];
    const totalSeconds = (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60 + seconds;
    const instant = now.getTime() - totalSeconds * 1_000;
    if (!Number.isSafeInteger(totalSeconds) || instant < Date.parse('1970-01-01T00:00:00Z')) throw new BadRequestException(`olderThan: too long a duration`);
    return new Date(instant).toISOString();
  }
  let bound: ReturnType<typeof parseBound> = null;
  try {
    bound = parseBound(raw, 'olderThan');
  } catch {
    bound = null;
  }
  if (bound === null || bound.kind !== 'time') throw new BadRequestException(`olderThan: must be ${olderThanHint}`);
  return bound.time;
}

export function parseDisputesLimit(raw: string | undefined): number {
  if (raw === undefined) return disputesPageSizeDefault;
  const limit = /^\d{1,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(limit >= 1 && limit <= disputesPageSizeMax)) throw new BadRequestException(`limit: must be an integer from 1 to ${disputesPageSizeMax}`);
  return limit;
}
