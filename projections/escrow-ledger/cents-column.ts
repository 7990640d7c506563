import { assert } from '@escrow/domain';

/** bigint columns arrive as text (selected `::text`): whole cents, within JavaScript's safe range. */
export function centsFromColumn(value: unknown, what: string): number {
  assert(typeof value === 'string' && /^-?\d+$/.test(value), `${what} is an integer read as text, got ${String(value)}`);
  const cents = Number(value);
  assert(Number.isSafeInteger(cents), `${what} ${value} is a safe integer`);
  return cents;
}

/** timestamptz arrives as a Date from both drivers; shown as ISO-8601 UTC. */
export function isoFromColumn(value: unknown): string {
  const date = value instanceof Date ? value : new Date(String(value));
  assert(!Number.isNaN(date.getTime()), `timestamp ${String(value)} is a time`);
  return date.toISOString();
}
