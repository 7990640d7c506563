export { colors, contentBottom, ensureSpace, layoutFor, margin, pageHeight, pageMargins, pageWidth, rule, type Layout } from './pdf-style';
export { pdfSafe, printedDate, printedTime } from './pdf-text';
