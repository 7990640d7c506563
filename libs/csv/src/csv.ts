/**
 * The one CSV writing rule of every export for finance (RFC 4180): comma-separated, CRLF line
 * ends, a field quoted when it holds a quote, comma or line break, its quotes doubled.
 */
const csvLineEnd = '\r\n';

export function csvField(value: string): string {
  return /[",\r\n]/.test(value) ? `"${value.replace(/"/g, '""')}"` : value;
}

/** One record, CRLF-terminated. */
export function csvLine(fields: readonly string[]): string {
  return fields.map(csvField).join(',') + csvLineEnd;
}

/**
 * For free text typed by users (names, descriptions), which finance opens in spreadsheets: a
 * leading =, +, -, @, tab or CR would run as a formula, so it gets a leading apostrophe (OWASP's
 * CSV-injection advice). Not for our own values: a negative amount ("-150.00") stays a number.
 */
export function csvUserText(value: string): string {
  return /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
}
