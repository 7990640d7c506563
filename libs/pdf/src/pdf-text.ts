/**
 * The PDF uses the 14 standard fonts (no font file to ship), which encode WinAnsi (Windows-1252)
 * only: any other character would come out as garbage, so it is shown as "?" instead. Embedding
 * a Unicode TrueType font is the way to print other scripts.
 */
const winAnsiExtras = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');

export function pdfSafe(text: string): string {
  let safe = '';
  for (const char of text) {
    const code = char.codePointAt(0) ?? 0;
    const printable = (code >= 0x20 && code <= 0x7e) || (code >= 0xa0 && code <= 0xff) || winAnsiExtras.has(char);
    safe += printable || char === '\n' ? char : char === '\t' || char === '\r' ? ' ' : '?';
  }
  return safe;
}

const months = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];

/** "Mar 14, 2026" in UTC: the date printed on the invoice. */
export function printedDate(iso: string): string {
  const date = new Date(iso);
  return `${months[date.getUTCMonth()]} ${date.getUTCDate()}, ${date.getUTCFullYear()}`;
}

/** "2026-03-14 09:05 UTC": the exact time, for the payment details. */
export function printedTime(iso: string): string {
  const utc = new Date(iso).toISOString();
  return `${utc.slice(0, 10)} ${utc.slice(11, 16)} UTC`;
}
