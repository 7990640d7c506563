import { csvHeader, csvRow, invoiceCsvColumns } from './invoice.csv';
import { fundingInvoiceFixture, payoutInvoiceFixture } from './invoice.fixtures';

/** A small RFC 4180 reader, to check that what we write reads back field for field. */
function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  for (let i = 0; i < text.length; i++) {
    const char = text[i]!;
    if (quoted) {
      if (char === '"' && text[i + 1] === '"') (field += '"'), i++;
      else if (char === '"') quoted = false;
      else field += char;
    } else if (char === '"') quoted = true;
    else if (char === ',') row.push(field), (field = '');
    else if (char === '\r' && text[i + 1] === '\n') row.push(field), rows.push(row), (row = []), (field = ''), i++;
    else field += char;
  }
  return rows;
}

describe('invoice CSV', () => {
  it('writes a header and one CRLF-terminated row per invoice, money as decimal strings', () => {
    const description = 'Labels, "gold" set\nsecond line';
    const text = csvHeader() + csvRow(fundingInvoiceFixture({ description })) + csvRow(payoutInvoiceFixture());
    const [header, funding, payout] = parseCsv(text);
    expect(header).toEqual([...invoiceCsvColumns]);
    const field = (row: string[] | undefined, name: string) => row?.[invoiceCsvColumns.indexOf(name as never)];
    expect(field(funding, 'number')).toBe('E-2026-000001');
    expect(field(funding, 'description')).toBe(description);
    expect(field(funding, 'amount')).toBe('150.00');
    expect(field(funding, 'fee')).toBe('');
    expect(field(funding, 'net')).toBe('');
    expect(field(funding, 'paymentIntentId')).toBe('pi_3PqR5sT6uV7wX8yZ9a0b1c2d');
    expect(field(payout, 'fee')).toBe('15.00');
    expect(field(payout, 'net')).toBe('135.00');
    expect(field(payout, 'transferId')).toBe('tr_1PqS6tU7vW8xY9zA0b1c2d3e');
    expect(text.endsWith('\r\n')).toBe(true);
  });

  it('keeps user text from running as a spreadsheet formula', () => {
    const [, row] = parseCsv(csvHeader() + csvRow(fundingInvoiceFixture({ projectName: '=HYPERLINK("x")', milestoneName: '@sum' })));
    expect(row?.[invoiceCsvColumns.indexOf('projectName')]).toBe(`'=HYPERLINK("x")`);
    expect(row?.[invoiceCsvColumns.indexOf('milestoneName')]).toBe(`'@sum`);
  });
});
