import { assert } from '@escrow/domain';
import type { InvoiceKind } from './invoice';

/**
 * Invoice numbers: one series per kind and calendar year (UTC) of the issue date, counted from 1
 * without gaps. The counter lives in `invoice_series` and moves in the projector's transaction,
 * together with the invoice insert and the checkpoint, so a number is never skipped or reused,
 * and a rebuild (replay from position 0, same order) hands out exactly the same numbers.
 */
export const seriesPrefixByKind: Readonly<Record<InvoiceKind, string>> = {
  employer_funding: 'E',
  trainer_payout: 'T',
};

/** Digits of the counter in a number; a series that outgrows them just gets longer numbers. */
export const sequenceDigits = 6;

const isoUtcPattern = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:\d{2})$/;

/** "E-2026" for an employer funding invoice issued in 2026 (UTC). */
export function seriesOf(kind: InvoiceKind, issuedAt: string): string {
  return `${seriesPrefixByKind[kind]}-${issueYear(issuedAt)}`;
}

export function issueYear(issuedAt: string): number {
  assert(isoUtcPattern.test(issuedAt), `issue date ${issuedAt} is an ISO-8601 timestamp`);
  const year = new Date(issuedAt).getUTCFullYear();
  assert(Number.isInteger(year) && year >= 1000 && year <= 9999, `issue date ${issuedAt} has a four-digit year`);
  return year;
}

/** "E-2026-000001". */
export function invoiceNumber(series: string, sequence: number): string {
  assert(Number.isSafeInteger(sequence) && sequence >= 1, `invoice sequence ${sequence} is a positive integer`);
  return `${series}-${String(sequence).padStart(sequenceDigits, '0')}`;
}

/**
 * Derived from the issuing event's id: a rebuild reproduces it, and one event issues at most one
 * invoice. Uses only letters, digits, "_" and "-", so it is a valid path id.
 */
export function invoiceIdFor(eventId: string): string {
  assert(/^[A-Za-z0-9-]{1,60}$/.test(eventId), `event id ${eventId} can name an invoice`);
  return `inv_${eventId.toLowerCase()}`;
}
