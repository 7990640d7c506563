import type { ReconciliationPeriod } from '@escrow/payments';

/** A quarter and a bit: long enough for a quarter's close, short enough to hold in memory. */
export const reconciliationDaysMax = 93;
const dayMs = 24 * 60 * 60 * 1000;

/** Date-time with an explicit zone: the period's edges must not depend on the server's time zone. */
const dateTimePattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/;

/** A refused period, naming the field: the route answers 400, the script exits 2. */
export class InvalidPeriod extends Error {
  constructor(readonly field: 'from' | 'to', reason: string) {
    super(`${field}: ${reason}`);
    this.name = 'InvalidPeriod';
  }
}

export function parseReconciliationPeriod(rawFrom: string | undefined, rawTo: string | undefined): ReconciliationPeriod {
  const from = parseInstant(rawFrom, 'from');
  const to = parseInstant(rawTo, 'to');
  if (to.getTime() <= from.getTime()) throw new InvalidPeriod('to', 'must be after from');
  if (to.getTime() - from.getTime() > reconciliationDaysMax * dayMs) throw new InvalidPeriod('to', `must be at most ${reconciliationDaysMax} days after from`);
  return { from, to };
}

function parseInstant(raw: string | undefined, field: 'from' | 'to'): Date {
  if (raw === undefined || raw === '') throw new InvalidPeriod(field, 'is required (an ISO-8601 date-time with a time zone, e.g. 2026-03-01T00:00:00Z)');
  const time = dateTimePattern.test(raw) ? new Date(raw) : null;
  // Date accepts 2026-02-30 by rolling over: a calendar date that changed on the way in was not a date.
  if (time === null || Number.isNaN(time.getTime()) || !sameCalendarDate(raw, time)) {
    throw new InvalidPeriod(field, 'must be an ISO-8601 date-time with a time zone, e.g. 2026-03-01T00:00:00Z');
  }
  return time;
}

function sameCalendarDate(raw: string, time: Date): boolean {
  const offset = /([+-])(\d{2}):(\d{2})$/.exec(raw);
  const offsetMs = offset ? (offset[1] === '-' ? -1 : 1) * (Number(offset[2]) * 60 + Number(offset[3])) * 60_000 : 0;
  return new Date(time.getTime() + offsetMs).toISOString().slice(0, 10) === raw.slice(0, 10);
}
