import { Money } from '@escrow/domain';
import type { Invoice } from './invoice';

/** The public JSON shape of an invoice: money as decimal strings, Stripe ids grouped. */
export function invoiceResponse(invoice: Invoice) {
  return {
    id: invoice.id,
    number: invoice.number,
    series: invoice.series,
    kind: invoice.kind,
    issuedAt: invoice.issuedAt,
    contractId: invoice.contractId,
    milestoneId: invoice.milestoneId,
    employerId: invoice.employerId,
    trainerId: invoice.trainerId,
    projectName: invoice.projectName,
    milestoneName: invoice.milestoneName,
    description: invoice.description,
    billingType: invoice.billingType,
    currency: invoice.currency,
    amount: Money.format(invoice.amountCents),
    fee: invoice.feeCents === null ? null : Money.format(invoice.feeCents),
    net: invoice.netCents === null ? null : Money.format(invoice.netCents),
    refunded: Money.format(invoice.refundedCents),
    paymentStatus: invoice.paymentStatus,
    stripeReference: {
      paymentIntentId: invoice.paymentIntentId,
      chargeId: invoice.chargeId,
      transferId: invoice.transferId,
      refundIds: [...invoice.refundIds],
    },
    updatedAt: invoice.updatedAt,
    pdfUrl: `/v1/invoices/${invoice.id}.pdf`,
  };
}

export type InvoiceResponse = ReturnType<typeof invoiceResponse>;
