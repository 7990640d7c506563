/** Geometry and colours shared by the PDFs (invoices, dispute case files) so they look alike (points; US Letter is 612 × 792). */
export const pageWidth = 612;
export const pageHeight = 792;
export const margin = 50;

export interface Layout {
  readonly left: number;
  readonly right: number;
  readonly width: number;
  readonly platform: string;
}

export const layoutFor = (platform: string): Layout => ({ left: margin, right: pageWidth - margin, width: pageWidth - 2 * margin, platform });

/** Content stops here; the footer lives below it on every page. */
export const contentBottom = pageHeight - margin - 24;

export const colors = {
  ink: '#111827',
  muted: '#6b7280',
  rule: '#d1d5db',
  band: '#f3f4f6',
  accent: '#1e3a8a',
  paid: '#15803d',
  partially_refunded: '#b45309',
  refunded: '#b91c1c',
} as const;

export function rule(doc: PDFKit.PDFDocument, y: number, from: number, to: number): void {
  doc.moveTo(from, y).lineTo(to, y).lineWidth(0.6).strokeColor(colors.rule).stroke();
}

/** Starts a new page when `height` more points would run into the footer; returns the y to draw at. */
export function ensureSpace(doc: PDFKit.PDFDocument, y: number, height: number): number {
  if (y + height <= contentBottom) return y;
  doc.addPage();
  doc.y = margin;
  return margin;
}

/** pdfkit's own page break (text flowing past the bottom margin) must also stop above the footer. */
export const pageMargins = { top: margin, left: margin, right: margin, bottom: pageHeight - contentBottom };
