import { Money } from '@escrow/domain';
import type { Invoice } from './invoice';

/**
 * CSV for finance (RFC 4180): comma-separated, CRLF line ends, a field quoted when it holds a
 * quote, comma or line break, quotes doubled. Money as decimal strings ("150.00"); an empty cell
 * where a value does not apply (fee and net on a funding invoice).
 */
export const invoiceCsvColumns = [
  'id', 'number', 'series', 'kind', 'issuedAt', 'contractId', 'milestoneId', 'employerId', 'trainerId',
  'projectName', 'milestoneName', 'description', 'billingType', 'currency', 'amount', 'fee', 'net', 'refunded',
  'paymentStatus', 'paymentIntentId', 'chargeId', 'transferId', 'refundIds',
] as const;

const lineEnd = '\r\n';

export function csvHeader(): string {
  return invoiceCsvColumns.join(',') + lineEnd;
}

export function csvRow(invoice: Invoice): string {
  const money = (cents: number | null) => (cents === null ? '' : Money.format(cents));
  const fields: Record<(typeof invoiceCsvColumns)[number], string> = {
    id: invoice.id,
    number: invoice.number,
    series: invoice.series,
    kind: invoice.kind,
    issuedAt: invoice.issuedAt,
    contractId: invoice.contractId,
    milestoneId: invoice.milestoneId,
    employerId: invoice.employerId,
    trainerId: invoice.trainerId,
    projectName: text(invoice.projectName),
    milestoneName: text(invoice.milestoneName),
    description: text(invoice.description ?? ''),
    billingType: invoice.billingType,
    currency: invoice.currency,
    amount: money(invoice.amountCents),
    fee: money(invoice.feeCents),
    net: money(invoice.netCents),
    refunded: money(invoice.refundedCents),
    paymentStatus: invoice.paymentStatus,
    paymentIntentId: invoice.paymentIntentId ?? '',
    chargeId: invoice.chargeId ?? '',
    transferId: invoice.transferId ?? '',
    refundIds: invoice.refundIds.join(' '),
  };
  return invoiceCsvColumns.map((column) => csvField(fields[column])).join(',') + lineEnd;
}

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/**
 * Free text typed by users (project, milestone, description) is opened in spreadsheets by
 * finance: a leading =, +, -, @, tab or CR would run as a formula, so it gets a leading
 * apostrophe (OWASP's CSV-injection advice). Ids, money and dates are ours and never start so.
 */
function text(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
