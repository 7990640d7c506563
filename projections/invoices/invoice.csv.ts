import { csvLine, csvUserText } from '@escrow/csv';
import { Money } from '@escrow/domain';
import type { Invoice } from './invoice';

/**
 * CSV for finance, written by the shared rule (`csvLine`, RFC 4180). Money as decimal strings
 * ("150.00"); an empty cell where a value does not apply (fee and net on a funding invoice).
 */
export const invoiceCsvColumns = [
  'id', 'number', 'series', 'kind', 'issuedAt', 'contractId', 'milestoneId', 'employerId', 'trainerId',
  'projectName', 'milestoneName', 'description', 'billingType', 'currency', 'amount', 'fee', 'net', 'refunded',
  'paymentStatus', 'paymentIntentId', 'chargeId', 'transferId', 'refundIds',
] as const;

export function csvHeader(): string {
  return csvLine(invoiceCsvColumns);
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
    projectName: csvUserText(invoice.projectName),
    milestoneName: csvUserText(invoice.milestoneName),
    description: csvUserText(invoice.description ?? ''),
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
  return csvLine(invoiceCsvColumns.map((column) => fields[column]));
}
