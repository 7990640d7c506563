import { Money } from '@escrow/domain';
import { colors, ensureSpace, pdfSafe, rule, type Layout } from '@escrow/pdf';
import type { Invoice } from '../invoice';

interface LineItem {
  readonly title: string;
  readonly detail: string | null;
  readonly billing: string;
  readonly unitCents: number;
}

/** The milestone itself; a payout also shows the platform fee taken from it. */
function lineItems(invoice: Invoice, platform: string): LineItem[] {
  const milestone: LineItem = {
    title: `Milestone: ${invoice.milestoneName}`,
    detail: invoice.description,
    billing: 'Fixed-price milestone',
    unitCents: invoice.amountCents,
  };
  if (invoice.kind === 'employer_funding' || !invoice.feeCents) return [milestone];
  const fee: LineItem = { title: 'Platform fee', detail: `Kept by ${platform} from the released amount`, billing: 'Service fee', unitCents: -invoice.feeCents };
  return [milestone, fee];
}

function columnsFor({ left }: Layout) {
  return {
    description: { x: left + 8, width: 236 },
    billing: { x: left + 252, width: 100 },
    quantity: { x: left + 352, width: 30 },
    unit: { x: left + 386, width: 56 },
    amount: { x: left + 446, width: 58 },
  };
}

export function drawLineItems(doc: PDFKit.PDFDocument, invoice: Invoice, layout: Layout): void {
  const columns = columnsFor(layout);
  const items = lineItems(invoice, layout.platform);
  const heights = items.map((item) => itemHeight(doc, item, columns.description.width));
  // The header never stays alone at the foot of a page: it moves with the first row.
  let y = drawTableHeader(doc, ensureSpace(doc, doc.y, headerHeight + (heights[0] ?? 0)), layout);
  items.forEach((item, index) => {
    const height = heights[index] ?? 0;
    if (ensureSpace(doc, y, height) !== y) y = drawTableHeader(doc, doc.y, layout);
    doc.font('Helvetica-Bold').fontSize(10).fillColor(colors.ink).text(pdfSafe(item.title), columns.description.x, y, columns.description);
    if (item.detail) doc.font('Helvetica').fontSize(9).fillColor(colors.muted).text(pdfSafe(item.detail), columns.description.x, doc.y + 2, columns.description);
    const bottom = doc.y;
    doc.font('Helvetica').fontSize(10).fillColor(colors.ink);
    doc.text(item.billing, columns.billing.x, y, columns.billing);
    doc.text('1', columns.quantity.x, y, { ...columns.quantity, align: 'right' });
    doc.text(Money.format(item.unitCents), columns.unit.x, y, { ...columns.unit, align: 'right' });
    doc.text(Money.format(item.unitCents), columns.amount.x, y, { ...columns.amount, align: 'right' });
    y = Math.max(bottom, doc.y) + 8;
    rule(doc, y, layout.left, layout.right);
    y += 12;
  });
  doc.y = y;
}

const headerHeight = 28;

/** The table's column titles on a filled band; returns the y of the first row. */
function drawTableHeader(doc: PDFKit.PDFDocument, y: number, layout: Layout): number {
  const columns = columnsFor(layout);
  doc.rect(layout.left, y, layout.width, 20).fill(colors.accent);
  doc.font('Helvetica-Bold').fontSize(8).fillColor('#ffffff');
  doc.text('DESCRIPTION', columns.description.x, y + 6, { width: columns.description.width });
  doc.text('BILLING TYPE', columns.billing.x, y + 6, { width: columns.billing.width });
  doc.text('QTY', columns.quantity.x, y + 6, { width: columns.quantity.width, align: 'right' });
  doc.text('UNIT PRICE', columns.unit.x, y + 6, { width: columns.unit.width, align: 'right' });
  doc.text('AMOUNT', columns.amount.x, y + 6, { width: columns.amount.width, align: 'right' });
  return y + headerHeight;
}

function itemHeight(doc: PDFKit.PDFDocument, item: LineItem, width: number): number {
  const title = doc.font('Helvetica-Bold').fontSize(10).heightOfString(pdfSafe(item.title), { width });
  const detail = item.detail ? doc.font('Helvetica').fontSize(9).heightOfString(pdfSafe(item.detail), { width }) + 2 : 0;
  return title + detail + 8;
}

type TotalRow = readonly [label: string, cents: number, strong: boolean];

function totals(invoice: Invoice): TotalRow[] {
  if (invoice.kind === 'trainer_payout') {
    return [
      ['Gross amount released', invoice.amountCents, false],
      ['Platform fee', -(invoice.feeCents ?? 0), false],
      ['Net paid to trainer (USD)', invoice.netCents ?? invoice.amountCents, true],
    ];
  }
  const charged: TotalRow[] = [
    ['Subtotal', invoice.amountCents, false],
    ['Total charged (USD)', invoice.amountCents, true],
  ];
  if (invoice.refundedCents === 0) return charged;
  return [...charged, ['Refunded to employer', -invoice.refundedCents, false], ['Net after refunds (USD)', invoice.amountCents - invoice.refundedCents, true]];
}

/** Right-aligned totals: what was charged (and refunded), or gross, fee and net paid. */
export function drawTotals(doc: PDFKit.PDFDocument, invoice: Invoice, { right }: Layout): void {
  const rows = totals(invoice);
  let y = ensureSpace(doc, doc.y, rows.length * 26);
  const labelX = right - 250;
  for (const [label, cents, strong] of rows) {
    if (strong) doc.rect(labelX - 10, y - 6, 260, 23).fill(colors.band);
    doc.font(strong ? 'Helvetica-Bold' : 'Helvetica').fontSize(strong ? 11 : 10).fillColor(colors.ink);
    doc.text(label, labelX, y, { width: 160 });
    doc.text(Money.format(cents), right - 90, y, { width: 82, align: 'right' });
    y += strong ? 28 : 18;
  }
  doc.y = y + 8;
}
