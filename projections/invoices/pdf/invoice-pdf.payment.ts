import { colors, contentBottom, ensureSpace, pdfSafe, printedTime, rule, type Layout } from '@escrow/pdf';
import type { Invoice, PaymentStatus } from '../invoice';

const statusLabel: Readonly<Record<PaymentStatus, string>> = {
  paid: 'PAID',
  partially_refunded: 'PARTIALLY REFUNDED',
  refunded: 'REFUNDED',
};

function references(invoice: Invoice): [string, string][] {
  const rows: [string, string | null][] = [
    ['Stripe payment intent', invoice.paymentIntentId],
    [invoice.kind === 'trainer_payout' ? 'Source charge' : 'Stripe charge', invoice.chargeId],
    ['Stripe transfer', invoice.transferId],
    ['Stripe refunds', invoice.refundIds.length > 0 ? invoice.refundIds.join(', ') : null],
    ['Invoice id', invoice.id],
  ];
  return rows.filter((row): row is [string, string] => row[1] !== null);
}

/** Payment status as a coloured badge, how the money moved, and the Stripe ids to look it up. */
export function drawPaymentDetails(doc: PDFKit.PDFDocument, invoice: Invoice, { left, right, width }: Layout): void {
  const rows = references(invoice);
  let y = ensureSpace(doc, doc.y, 70 + rows.length * 14);
  doc.font('Helvetica-Bold').fontSize(8).fillColor(colors.muted).text('PAYMENT', left, y, { characterSpacing: 0.5 });
  rule(doc, y + 13, left, right);
  y += 22;
  const label = statusLabel[invoice.paymentStatus];
  doc.font('Helvetica-Bold').fontSize(9);
  const badgeWidth = doc.widthOfString(label) + 16;
  doc.roundedRect(left, y, badgeWidth, 17, 3).fill(colors[invoice.paymentStatus]);
  doc.fillColor('#ffffff').text(label, left + 8, y + 5, { lineBreak: false });
  const how =
    invoice.kind === 'employer_funding'
      ? `Charged through Stripe to the employer's saved payment method on ${printedTime(invoice.issuedAt)}.`
      : `Transferred through Stripe to the trainer's Connect account on ${printedTime(invoice.issuedAt)}.`;
  doc.font('Helvetica').fontSize(9).fillColor(colors.ink).text(how, left + badgeWidth + 12, y + 4, { width: width - badgeWidth - 12 });
  y += 28;
  for (const [name, value] of rows) {
    doc.font('Helvetica').fontSize(9).fillColor(colors.muted).text(name, left, y, { width: 130 });
    doc.font('Courier').fontSize(9).fillColor(colors.ink).text(pdfSafe(value), left + 130, y, { width: width - 130 });
    y = doc.y + 5;
  }
  doc.y = y;
}

/** On every page: issuer, invoice number and page count, below the content area. */
export function drawFooters(doc: PDFKit.PDFDocument, invoice: Invoice, { left, right, width, platform }: Layout): void {
  const range = doc.bufferedPageRange();
  for (let index = range.start; index < range.start + range.count; index++) {
    doc.switchToPage(index);
    // Writing below the bottom margin would make pdfkit start a new page: lift it while we write.
    const bottomMargin = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    const y = contentBottom + 8;
    rule(doc, y, left, right);
    doc.font('Helvetica').fontSize(7.5).fillColor(colors.muted);
    doc.text(`${platform} · milestone escrow payments · amounts in USD · issued from the escrow ledger`, left, y + 8, { width: width - 130, lineBreak: false });
    doc.text(`${invoice.number} · Page ${index - range.start + 1} of ${range.count}`, right - 130, y + 8, { width: 130, align: 'right', lineBreak: false });
    doc.page.margins.bottom = bottomMargin;
  }
}
