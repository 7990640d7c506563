import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pdfSafe, printedDate, printedTime } from '@escrow/pdf';
import { fundingInvoiceFixture, payoutInvoiceFixture } from '../invoice.fixtures';
import { renderInvoicePdf } from './invoice.pdf';

/** pdftotext (poppler-utils) reads the rendered text back; without it the text checks are skipped. */
function pdfText(pdf: Buffer): string | null {
  const dir = mkdtempSync(join(tmpdir(), 'invoice-pdf-'));
  const file = join(dir, 'invoice.pdf');
  writeFileSync(file, pdf);
  if (process.env.INVOICE_PDF_KEEP) writeFileSync(join(tmpdir(), `${process.env.INVOICE_PDF_KEEP}-${pdf.length}.pdf`), pdf);
  try {
    return execFileSync('pdftotext', ['-layout', file, '-'], { encoding: 'utf8' });
  } catch {
    return null;
  }
}

describe('invoice PDF', () => {
  it('renders a funding invoice that reads like one', async () => {
    const pdf = await renderInvoicePdf(fundingInvoiceFixture());
    expect(pdf.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    const text = pdfText(pdf);
    if (text === null) return;
    for (const expected of ['INVOICE', 'E-2026-000001', 'Mar 14, 2026', 'BILLED TO', 'emp_acme', 'PAID TO', 'tr_ada', 'Reward model eval',
      'Milestone: Batch 1', '500 prompts', 'Fixed-price milestone', '150.00', 'Total charged (USD)', 'PAID',
      'pi_3PqR5sT6uV7wX8yZ9a0b1c2d', 'ch_3PqR5sT6uV7wX8yZ9a0b1c2d', 'Page 1 of 1']) {
      expect(text).toContain(expected);
    }
    expect(text).not.toContain('Platform fee');
  });

  it('renders a payout invoice with gross, fee and net, and the transfer id', async () => {
    const text = pdfText(await renderInvoicePdf(payoutInvoiceFixture()));
    if (text === null) return;
    for (const expected of ['T-2026-000001', 'Trainer payout invoice', 'Gross amount released', 'Platform fee', '-15.00',
      'Net paid to trainer (USD)', '135.00', 'tr_1PqS6tU7vW8xY9zA0b1c2d3e']) {
      expect(text).toContain(expected);
    }
  });

  it('shows refunds on a funding invoice', async () => {
    const invoice = fundingInvoiceFixture({ refundedCents: 5_000, paymentStatus: 'partially_refunded', refundIds: ['re_1abc'] });
    const text = pdfText(await renderInvoicePdf(invoice));
    if (text === null) return;
    for (const expected of ['PARTIALLY REFUNDED', 'Refunded to employer', '-50.00', 'Net after refunds (USD)', '100.00', 're_1abc']) {
      expect(text).toContain(expected);
    }
  });

  it('is byte-identical for the same invoice, and carries its number in the document title', async () => {
    const a = await renderInvoicePdf(fundingInvoiceFixture(), { compress: false });
    const b = await renderInvoicePdf(fundingInvoiceFixture(), { compress: false });
    expect(a.equals(b)).toBe(true);
    expect(a.toString('latin1')).toContain('Invoice E-2026-000001');
  });

  it('flows a very long description onto a second page, with the footer on both', async () => {
    const invoice = fundingInvoiceFixture({ description: 'Label prompts carefully. '.repeat(80), projectName: 'A'.repeat(200) });
    const text = pdfText(await renderInvoicePdf(invoice));
    if (text === null) return;
    expect(text).toContain('Page 1 of 2');
    expect(text).toContain('Page 2 of 2');
  });

  it('prints characters the standard fonts cannot encode as "?" instead of garbage', () => {
    expect(pdfSafe('Café – “ok” €5 日本 😀')).toBe('Café – “ok” €5 ?? ?');
    expect(printedDate('2026-12-31T23:59:59Z')).toBe('Dec 31, 2026');
    expect(printedTime('2027-01-01T00:30:00+01:00')).toBe('2026-12-31 23:30 UTC');
  });
});
