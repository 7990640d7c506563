import PDFDocument from 'pdfkit';
import { colors, layoutFor, pageMargins, pageWidth, pdfSafe, printedDate, rule, type Layout } from '@escrow/pdf';
import type { Invoice } from '../invoice';
import { drawLineItems, drawTotals } from './invoice-pdf.items';
import { drawFooters, drawPaymentDetails } from './invoice-pdf.payment';

export interface InvoicePdfOptions {
  /** The issuer printed in the header and footer. */
  readonly platformName?: string;
  /** pdfkit deflates page content by default; tests can turn it off to read the raw text. */
  readonly compress?: boolean;
}

export const platformNameDefault = 'Escrow Ledger';

const paymentStatusText = { paid: 'Paid', partially_refunded: 'Partially refunded', refunded: 'Refunded' } as const;

export const kindTitle = { employer_funding: 'Employer funding invoice', trainer_payout: 'Trainer payout invoice' } as const;

/**
 * Renders one invoice as a US Letter PDF (one page; more only for a very long description):
 * header, parties, project, line items, totals, payment with its Stripe references, footer.
 * Deterministic for a given invoice (the creation date is the issue date), so a re-download is
 * byte-identical.
 */
export function renderInvoicePdf(invoice: Invoice, options: InvoicePdfOptions = {}): Promise<Buffer> {
  const platform = pdfSafe(options.platformName ?? platformNameDefault);
  const doc = new PDFDocument({
    size: 'LETTER',
    margins: pageMargins,
    compress: options.compress ?? true,
    bufferPages: true,
    info: {
      Title: `Invoice ${invoice.number}`,
      Subject: `${kindTitle[invoice.kind]} ${invoice.number}`,
      Author: platform,
      Creator: platform,
      CreationDate: new Date(invoice.issuedAt),
    },
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const layout = layoutFor(platform);
  drawHeader(doc, invoice, layout);
  drawParties(doc, invoice, layout);
  drawProject(doc, invoice, layout);
  drawLineItems(doc, invoice, layout);
  drawTotals(doc, invoice, layout);
  drawPaymentDetails(doc, invoice, layout);
  drawFooters(doc, invoice, layout);
  doc.end();
  return done;
}

function drawHeader(doc: PDFKit.PDFDocument, invoice: Invoice, { left, width, right, platform }: Layout): void {
  doc.rect(0, 0, pageWidth, 6).fill(colors.accent);
  doc.font('Helvetica-Bold').fontSize(20).fillColor(colors.accent).text(platform, left, 48, { width: width / 2 });
  doc.font('Helvetica').fontSize(9).fillColor(colors.muted).text('Milestone payments held in escrow', left, 72, { width: width / 2 });
  doc.font('Helvetica-Bold').fontSize(26).fillColor(colors.ink).text('INVOICE', left, 44, { width, align: 'right' });
  doc.font('Helvetica').fontSize(10).fillColor(colors.muted).text(kindTitle[invoice.kind], left, 74, { width, align: 'right' });
  rule(doc, 96, left, right);
}

/** Billed to / paid to on the left, the invoice's own facts on the right. */
function drawParties(doc: PDFKit.PDFDocument, invoice: Invoice, { left, right, platform }: Layout): void {
  const top = 112;
  const column = 150;
  const employerNote = invoice.kind === 'employer_funding' ? 'Pays for the milestone' : 'Client who approved the milestone';
  const billedTo = party(doc, left, top, column, 'BILLED TO', ['Employer', invoice.employerId], employerNote);
  const paidTo =
    invoice.kind === 'employer_funding'
      ? party(doc, left + column + 15, top, column, 'PAID TO', [`${platform} escrow`, `for trainer ${invoice.trainerId}`], 'Held until the employer approves')
      : party(doc, left + column + 15, top, column, 'PAID TO', ['Trainer', invoice.trainerId], 'Stripe Connect payout');
  const facts: [string, string][] = [
    ['Invoice number', invoice.number],
    ['Issue date', printedDate(invoice.issuedAt)],
    ['Series', invoice.series],
    ['Billing type', 'Fixed-price milestone'],
    ['Currency', invoice.currency],
    ['Payment status', paymentStatusText[invoice.paymentStatus]],
  ];
  let y = top;
  for (const [label, value] of facts) {
    doc.font('Helvetica').fontSize(9).fillColor(colors.muted).text(label, right - 210, y, { width: 90 });
    doc.font('Helvetica-Bold').fontSize(9).fillColor(colors.ink).text(pdfSafe(value), right - 120, y, { width: 120, align: 'right' });
    y += 15;
  }
  doc.y = Math.max(y, billedTo, paidTo) + 14;
}

/** One party block; returns the y below it. */
function party(doc: PDFKit.PDFDocument, x: number, y: number, width: number, title: string, lines: [string, string], note: string): number {
  doc.font('Helvetica-Bold').fontSize(8).fillColor(colors.muted).text(title, x, y, { width, characterSpacing: 0.5 });
  doc.font('Helvetica').fontSize(10).fillColor(colors.ink).text(pdfSafe(lines[0]), x, y + 14, { width });
  doc.font('Helvetica-Bold').fontSize(11).text(pdfSafe(lines[1]), x, doc.y + 1, { width });
  doc.font('Helvetica').fontSize(8).fillColor(colors.muted).text(note, x, doc.y + 2, { width });
  return doc.y;
}

function drawProject(doc: PDFKit.PDFDocument, invoice: Invoice, { left, width }: Layout): void {
  const top = doc.y;
  const inner = width - 24;
  const projectName = pdfSafe(invoice.projectName);
  doc.font('Helvetica-Bold').fontSize(12);
  const titleHeight = doc.heightOfString(projectName, { width: inner });
  const height = 23 + titleHeight + 4 + 10 + 10;
  doc.rect(left, top, width, height).fill(colors.band);
  doc.font('Helvetica-Bold').fontSize(8).fillColor(colors.muted).text('PROJECT', left + 12, top + 10, { characterSpacing: 0.5 });
  doc.font('Helvetica-Bold').fontSize(12).fillColor(colors.ink).text(projectName, left + 12, top + 23, { width: inner });
  doc.font('Helvetica').fontSize(8).fillColor(colors.muted)
    .text(`Contract ${invoice.contractId}   ·   Milestone ${invoice.milestoneId}`, left + 12, doc.y + 4, { width: inner });
  doc.y = top + height + 22;
}
