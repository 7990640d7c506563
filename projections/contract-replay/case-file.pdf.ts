import PDFDocument from 'pdfkit';
// The invoices' page geometry, colours and text rules (shared in @escrow/pdf): a case file looks like the invoices it lists.
import { colors, ensureSpace, layoutFor, pageMargins, pageWidth, pdfSafe, printedTime, rule, type Layout } from '@escrow/pdf';
import type { CaseFile, CaseFileMilestone } from './case-file';

export interface CaseFilePdfOptions {
  readonly platformName?: string;
  /** pdfkit deflates page content by default; tests can turn it off to read the raw text. */
  readonly compress?: boolean;
}

/**
 * The case file as a US Letter PDF: the contract, each milestone's amounts, disputes,
 * resolutions and support notes, the invoices, the Stripe ids and the timeline with the postings
 * of each event. Deterministic for a given file (its date is the last event's).
 */
export function renderCaseFilePdf(file: CaseFile, options: CaseFilePdfOptions = {}): Promise<Buffer> {
  const platform = pdfSafe(options.platformName ?? 'Escrow Ledger');
  const doc = new PDFDocument({
    size: 'LETTER',
    margins: pageMargins,
    compress: options.compress ?? true,
    bufferPages: true,
    info: {
      Title: `Case file ${file.contractId}`,
      Subject: `Dispute case file of contract ${file.contractId}`,
      Author: platform,
      Creator: platform,
      CreationDate: new Date(file.asOf),
    },
  });
  const done = new Promise<Buffer>((resolve, reject) => {
    const chunks: Buffer[] = [];
    doc.on('data', (chunk: Buffer) => chunks.push(chunk));
    doc.on('end', () => resolve(Buffer.concat(chunks)));
    doc.on('error', reject);
  });
  const layout = layoutFor(platform);
  drawHeader(doc, file, layout);
  for (const milestone of file.milestones) drawMilestone(doc, milestone, layout);
  drawInvoices(doc, file, layout);
  drawStripe(doc, file, layout);
  drawTimeline(doc, file, layout);
  drawFooters(doc, file, layout);
  doc.end();
  return done;
}

function drawHeader(doc: PDFKit.PDFDocument, file: CaseFile, { left, width, right, platform }: Layout): void {
  doc.rect(0, 0, pageWidth, 6).fill(colors.accent);
  doc.font('Helvetica-Bold').fontSize(20).fillColor(colors.accent).text(platform, left, 48, { width: width / 2 });
  doc.font('Helvetica').fontSize(9).fillColor(colors.muted).text('Support case file', left, 72, { width: width / 2 });
  doc.font('Helvetica-Bold').fontSize(22).fillColor(colors.ink).text('CASE FILE', left, 44, { width, align: 'right' });
  doc.font('Helvetica').fontSize(9).fillColor(colors.muted).text(`As of ${printedTime(file.asOf)} (position ${file.asOfPosition})`, left, 72, { width, align: 'right' });
  rule(doc, 96, left, right);
  doc.y = 110;
  facts(doc, layout(left, width), [
    ['Project', file.projectName],
    ['Contract', `${file.contractId} (${file.status})`],
    ['Employer', file.employerId],
    ['Trainer', file.trainerId],
  ]);
}

const layout = (left: number, width: number) => ({ left, width });

function facts(doc: PDFKit.PDFDocument, { left, width }: { left: number; width: number }, rows: readonly [string, string][]): void {
  for (const [label, value] of rows) {
    const y = ensureSpace(doc, doc.y, 14);
    doc.font('Helvetica').fontSize(9).fillColor(colors.muted).text(label, left, y, { width: 110 });
    doc.font('Helvetica-Bold').fontSize(9).fillColor(colors.ink).text(pdfSafe(value), left + 115, y, { width: width - 115 });
    doc.y = Math.max(doc.y, y + 14);
  }
  doc.y += 6;
}

function heading(doc: PDFKit.PDFDocument, title: string, { left, width }: Layout): void {
  const y = ensureSpace(doc, doc.y + 6, 40);
  doc.rect(left, y, width, 20).fill(colors.accent);
  doc.font('Helvetica-Bold').fontSize(9).fillColor('#ffffff').text(pdfSafe(title), left + 8, y + 6, { width: width - 16 });
  doc.y = y + 28;
}

function paragraph(doc: PDFKit.PDFDocument, label: string, text: string, { left, width }: Layout): void {
  const y = ensureSpace(doc, doc.y, 24);
  doc.font('Helvetica-Bold').fontSize(9).fillColor(colors.ink).text(pdfSafe(label), left + 8, y, { width: width - 16 });
  doc.font('Helvetica').fontSize(9).fillColor(colors.ink).text(pdfSafe(text), left + 8, doc.y + 1, { width: width - 16 });
  doc.y += 6;
}

function drawMilestone(doc: PDFKit.PDFDocument, m: CaseFileMilestone, page: Layout): void {
  heading(doc, `MILESTONE ${m.milestoneId}: ${m.name}`, page);
  facts(doc, layout(page.left + 8, page.width - 16), [
    ['Status', m.status],
    ['Amount', `${m.amount} USD`],
    ['Fee / net released', m.fee === null ? 'none' : `${m.fee} / ${m.net}`],
    ['Refunded', m.refunded],
  ]);
  for (const d of m.disputes) {
    const what = d.chargeback ? `Chargeback ${d.chargeback.disputeId} (${d.chargeback.amount})` : `Dispute by the ${d.openedBy}`;
    paragraph(doc, `${what}, ${printedTime(d.openedAt)}`, `Reason: ${d.reason}`, page);
  }
  for (const c of m.chargebacks) {
    paragraph(doc, `Chargeback ${c.disputeId}: ${c.status}`, `${c.amount} USD, opened ${printedTime(c.openedAt)}${c.closedAt ? `, closed ${printedTime(c.closedAt)}` : ''}: ${c.reason}`, page);
  }
  for (const r of m.resolutions) {
    const by = r.by ? `${r.by.role} ${r.by.id}` : 'support';
    paragraph(
      doc,
      `Resolution: ${r.resolution}, by ${by}, ${printedTime(r.resolvedAt)}`,
      `Trainer ${r.trainerAmount} (fee ${r.fee}, net ${r.net}); employer ${r.refundAmount}.\nNote: ${r.note}`,
      page,
    );
  }
  for (const n of m.notes) paragraph(doc, `Support note ${n.noteId} by ${n.by}, ${printedTime(n.at)}`, n.text, page);
}

function drawInvoices(doc: PDFKit.PDFDocument, file: CaseFile, page: Layout): void {
  heading(doc, 'INVOICES', page);
  if (file.invoices.length === 0) paragraph(doc, 'None', 'No invoice issued for this contract yet.', page);
  for (const i of file.invoices) {
    const amounts = i.fee === null ? `${i.amount} USD` : `${i.amount} USD (fee ${i.fee}, net ${i.net})`;
    const refs = [i.chargeId && `charge ${i.chargeId}`, i.transferId && `transfer ${i.transferId}`, ...i.refundIds.map((r) => `refund ${r}`)].filter(Boolean).join(', ');
    paragraph(doc, `${i.number} (${i.kind}), ${printedTime(i.issuedAt)}, milestone ${i.milestoneId}`, `${amounts}; refunded ${i.refunded}; ${i.paymentStatus}${refs ? `; ${refs}` : ''}`, page);
  }
}

function drawStripe(doc: PDFKit.PDFDocument, file: CaseFile, page: Layout): void {
  heading(doc, 'STRIPE REFERENCES', page);
  const rows = Object.entries(file.stripe).filter(([, ids]) => ids.length > 0).map(([kind, ids]) => [kind, ids.join(', ')] as [string, string]);
  facts(doc, layout(page.left + 8, page.width - 16), rows.length > 0 ? rows : [['none', '']]);
}

function drawTimeline(doc: PDFKit.PDFDocument, file: CaseFile, page: Layout): void {
  heading(doc, 'TIMELINE', page);
  const { left, width } = page;
  for (const entry of file.timeline) {
    const y = ensureSpace(doc, doc.y, 30);
    const actor = entry.actor ? `${entry.actor.role} ${entry.actor.id}` : '';
    doc.font('Helvetica').fontSize(8).fillColor(colors.muted).text(`${printedTime(entry.occurredAt)}  ${entry.type}  ${pdfSafe(actor)}`, left + 8, y, { width: width - 16 });
    doc.font('Helvetica').fontSize(9).fillColor(colors.ink).text(pdfSafe(entry.summary), left + 8, doc.y + 1, { width: width - 16 });
    if (entry.changes.length > 0) {
      const changes = entry.changes.map((c) => `${c.milestoneId ?? 'contract'} ${c.field}: ${c.before ?? '-'} -> ${c.after ?? '-'}`).join('; ');
      doc.font('Helvetica').fontSize(8).fillColor(colors.muted).text(pdfSafe(changes), left + 16, doc.y + 1, { width: width - 24 });
    }
    if (entry.posting) {
      const lines = entry.posting.entries.map((e) => (e.debit !== '0.00' ? `Dr ${e.account} ${e.debit}` : `Cr ${e.account} ${e.credit}`)).join('; ');
      doc.font('Helvetica').fontSize(8).fillColor(colors.muted).text(pdfSafe(`Ledger (${entry.posting.stripeReference}): ${lines}`), left + 16, doc.y + 1, { width: width - 24 });
    }
    doc.y += 4;
    rule(doc, doc.y, left, page.right);
    doc.y += 5;
  }
}

function drawFooters(doc: PDFKit.PDFDocument, file: CaseFile, { left, width, platform }: Layout): void {
  const range = doc.bufferedPageRange();
  for (let i = range.start; i < range.start + range.count; i++) {
    doc.switchToPage(i);
    const bottom = doc.page.margins.bottom;
    doc.page.margins.bottom = 0;
    doc.font('Helvetica').fontSize(8).fillColor(colors.muted)
      .text(pdfSafe(`${platform} - case file ${file.contractId} - page ${i - range.start + 1} of ${range.count}`), left, doc.page.height - 40, { width, align: 'center', lineBreak: false });
    doc.page.margins.bottom = bottom;
  }
}
