import { execFileSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { Actor } from '@escrow/domain';
import { eventually, type HttpResponse, withApp } from './support/app';
import { describeEachDatabase } from './support/databases';
import { employer, lifecycle, otherEmployer, otherTrainer, support, trainer } from './support/lifecycle';

const finance: Actor = { role: 'finance', id: 'fin_1' };
const service: Actor = { role: 'service', id: 'svc_1' };

/** pdftotext (poppler-utils) when installed; null otherwise, and the test checks the document title instead. */
function pdfText(pdf: Buffer): string | null {
  const file = join(mkdtempSync(join(tmpdir(), 'invoice-e2e-')), 'invoice.pdf');
  writeFileSync(file, pdf);
  try {
    return execFileSync('pdftotext', [file, '-'], { encoding: 'utf8' });
  } catch {
    return null;
  }
}

function expectError(response: HttpResponse, status: number, message: RegExp): void {
  expect(response.status).toBe(status);
  expect(response.body).toMatchObject({ statusCode: status, error: expect.any(String), message: expect.stringMatching(message) });
}

describeEachDatabase('invoices over HTTP', (target) => {
  const app = withApp(target, { env: { PLATFORM_FEE_BPS: '1000' } });
  let contractId: string;
  let milestoneId: string;
  let fundingInvoice: Record<string, any>;
  let payoutInvoice: Record<string, any>;

  /** PDF and CSV are not JSON: fetch their bytes. */
  async function download(path: string, as?: Actor) {
    const response = await fetch(`${app.api.baseUrl}${path}`, { headers: as ? { authorization: `Bearer ${app.api.token(as.role, as.id)}` } : {} });
    return { status: response.status, headers: response.headers, bytes: Buffer.from(await response.arrayBuffer()) };
  }
  it('issues one employer funding invoice and one trainer payout invoice for a paid milestone', async () => {
    const steps = lifecycle(app.api);
    await steps.setUpBilling();
    ({ contractId, milestoneId } = await steps.hire('150.00'));
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    await steps.requestApproval(contractId, milestoneId);
    await steps.approve(contractId, milestoneId);
    const paid = await steps.milestoneReaches(contractId, milestoneId, 'paid');

    const invoices = await eventually(async () => {
      const listed = await app.api.request('GET', `/v1/invoices?contractId=${contractId}`, { as: finance });
      return listed.body?.invoices?.length === 2 ? (listed.body.invoices as Record<string, any>[]) : undefined;
    }, 'both invoices');
    [fundingInvoice, payoutInvoice] = invoices as [Record<string, any>, Record<string, any>];

    const year = String(fundingInvoice.issuedAt).slice(0, 4);
    expect(fundingInvoice).toMatchObject({
      number: `E-${year}-000001`,
      series: `E-${year}`,
      kind: 'employer_funding',
      contractId,
      milestoneId,
      employerId: employer.id,
      trainerId: trainer.id,
      projectName: 'Reward model eval',
      milestoneName: 'Batch 1',
      description: '500 prompts',
      billingType: 'fixed_price_milestone',
      currency: 'USD',
      amount: '150.00',
      fee: null,
      net: null,
      paymentStatus: 'paid',
      stripeReference: { paymentIntentId: paid.paymentReference, chargeId: expect.stringMatching(/^ch_/), transferId: null, refundIds: [] },
    });
    expect(fundingInvoice.issuedAt).toBe(paid.fundedAt);
    expect(fundingInvoice.id).toMatch(/^inv_/);

    const payoutYear = String(payoutInvoice.issuedAt).slice(0, 4);
    expect(payoutInvoice).toMatchObject({
      number: `T-${payoutYear}-000001`,
      kind: 'trainer_payout',
      amount: '150.00',
      fee: '15.00',
      net: '135.00',
      paymentStatus: 'paid',
      employerId: employer.id,
      trainerId: trainer.id,
      stripeReference: { transferId: paid.transferReference },
    });
    expect(payoutInvoice.issuedAt).toBe(paid.paidAt);

    const one = await app.api.request('GET', `/v1/invoices/${fundingInvoice.id}`, { as: employer });
    expect(one.status).toBe(200);
    expect(one.body).toEqual(fundingInvoice);
  });

  it('serves each invoice as a PDF that carries its number', async () => {
    for (const [invoice, as] of [[fundingInvoice, employer], [payoutInvoice, trainer]] as const) {
      const pdf = await download(`/v1/invoices/${invoice.id}.pdf`, as);
      expect(pdf.status).toBe(200);
      expect(pdf.headers.get('content-type')).toMatch(/^application\/pdf/);
      expect(pdf.headers.get('content-disposition')).toContain(`${invoice.number}.pdf`);
      expect(pdf.bytes.subarray(0, 5).toString('latin1')).toBe('%PDF-');
      // The document title is never compressed; the page text is, so pdftotext reads it when present.
      expect(pdf.bytes.toString('latin1')).toContain(`Invoice ${invoice.number}`);
      const text = pdfText(pdf.bytes);
      if (text !== null) {
        expect(text).toContain(invoice.number);
        expect(text).toContain('Reward model eval');
        expect(text).toContain(invoice.kind === 'trainer_payout' ? '135.00' : '150.00');
      }
    }
  });

  it('exports CSV with a header and one row per invoice the caller may see', async () => {
    const all = await download('/v1/invoices.csv', finance);
    expect(all.status).toBe(200);
    expect(all.headers.get('content-type')).toMatch(/^text\/csv/);
    const lines = all.bytes.toString('utf8').split('\r\n');
    expect(lines[0]).toMatch(/^id,number,series,kind,issuedAt,/);
    expect(lines.slice(1, -1)).toHaveLength(2);
    expect(lines.at(-1)).toBe('');
    const header = lines[0]!.split(',');
    const payoutRow = lines.find((line) => line.includes(payoutInvoice.number))!.split(',');
    expect(payoutRow[header.indexOf('amount')]).toBe('150.00');
    expect(payoutRow[header.indexOf('fee')]).toBe('15.00');
    expect(payoutRow[header.indexOf('net')]).toBe('135.00');
    expect(payoutRow[header.indexOf('transferId')]).toBe(payoutInvoice.stripeReference.transferId);

    const mine = (await download('/v1/invoices.csv', employer)).bytes.toString('utf8').split('\r\n');
    expect(mine.slice(1, -1)).toHaveLength(1);
    expect(mine[1]).toContain(fundingInvoice.number);
    const none = (await download('/v1/invoices.csv', otherTrainer)).bytes.toString('utf8');
    expect(none.split('\r\n')).toEqual([lines[0], '']);
  });

  it("lets the contract's employer read the payout invoice of their contract, as JSON and PDF", async () => {
    const json = await app.api.request('GET', `/v1/invoices/${payoutInvoice.id}`, { as: employer });
    expect(json.status).toBe(200);
    expect(json.body).toEqual(payoutInvoice);
    const pdf = await download(`/v1/invoices/${payoutInvoice.id}.pdf`, employer);
    expect(pdf.status).toBe(200);
    expect(pdf.headers.get('content-type')).toMatch(/^application\/pdf/);
    expect(pdf.headers.get('content-disposition')).toContain(`${payoutInvoice.number}.pdf`);
    expect(pdf.bytes.toString('latin1')).toContain(`Invoice ${payoutInvoice.number}`);
    // Listed by kind (JSON and CSV); the default list stays the employer's funding invoices.
    const listed = await app.api.request('GET', `/v1/invoices?kind=trainer_payout&contractId=${contractId}`, { as: employer });
    expect(listed.body).toEqual({ invoices: [payoutInvoice], next: null });
    const csv = (await download('/v1/invoices.csv?kind=trainer_payout', employer)).bytes.toString('utf8').split('\r\n');
    expect(csv.slice(1, -1)).toHaveLength(1);
    expect(csv[1]).toContain(payoutInvoice.number);

    // Another employer: the same 404 as for a missing invoice, and an empty list.
    expectError(await app.api.request('GET', `/v1/invoices/${payoutInvoice.id}`, { as: otherEmployer }), 404, /does not exist/);
    expect((await download(`/v1/invoices/${payoutInvoice.id}.pdf`, otherEmployer)).status).toBe(404);
    expect((await app.api.request('GET', '/v1/invoices?kind=trainer_payout', { as: otherEmployer })).body).toEqual({ invoices: [], next: null });
    expectError(await app.api.request('GET', `/v1/invoices?kind=trainer_payout&employerId=${employer.id}`, { as: otherEmployer }), 403, /^employerId: /);
  });

  it('shows employers their funding invoices and trainers their payout invoices only', async () => {
    const mine = await app.api.request('GET', '/v1/invoices', { as: employer });
    expect(mine.body.invoices.map((i: { id: string }) => i.id)).toEqual([fundingInvoice.id]);
    const paidToMe = await app.api.request('GET', '/v1/invoices', { as: trainer });
    expect(paidToMe.body.invoices.map((i: { id: string }) => i.id)).toEqual([payoutInvoice.id]);
    expect((await app.api.request('GET', '/v1/invoices', { as: otherEmployer })).body).toEqual({ invoices: [], next: null });
    expect((await app.api.request('GET', `/v1/invoices/${payoutInvoice.id}`, { as: support })).status).toBe(200);

    // Someone else's invoice answers like a missing one.
    for (const [id, as] of [
      [fundingInvoice.id, trainer],
      [fundingInvoice.id, otherEmployer],
      [payoutInvoice.id, otherTrainer],
    ] as const) {
      expectError(await app.api.request('GET', `/v1/invoices/${id}`, { as }), 404, /does not exist/);
      expect((await download(`/v1/invoices/${id}.pdf`, as)).status).toBe(404);
    }
    expectError(await app.api.request('GET', '/v1/invoices/inv_nope', { as: finance }), 404, /inv_nope does not exist/);
    expectError(await app.api.request('GET', '/v1/invoices', { as: service }), 403, /role service/);
    expectError(await app.api.request('GET', '/v1/invoices'), 401, /bearer token/);
    expect((await download('/v1/invoices.csv')).status).toBe(401);
    expectError(await app.api.request('GET', `/v1/invoices?employerId=${otherEmployer.id}`, { as: employer }), 403, /^employerId: /);
    expectError(await app.api.request('GET', '/v1/invoices?kind=employer_funding', { as: trainer }), 403, /^kind: /);
    expectError(await app.api.request('GET', `/v1/invoices?trainerId=${otherTrainer.id}`, { as: trainer }), 403, /^trainerId: /);
    expect((await download(`/v1/invoices.csv?employerId=${otherEmployer.id}`, employer)).status).toBe(403);
  });

  it('pages the list and refuses malformed filters, naming the field', async () => {
    const first = await app.api.request('GET', '/v1/invoices?limit=1', { as: finance });
    expect(first.body.invoices).toHaveLength(1);
    expect(first.body.next).toEqual(expect.any(String));
    const second = await app.api.request('GET', `/v1/invoices?limit=1&after=${first.body.next}`, { as: finance });
    expect(second.body.invoices.map((i: { id: string }) => i.id)).toEqual([payoutInvoice.id]);
    expect(second.body.next).toBeNull();

    expectError(await app.api.request('GET', '/v1/invoices?limit=0', { as: finance }), 400, /^limit: /);
    expectError(await app.api.request('GET', '/v1/invoices?limit=501', { as: finance }), 400, /^limit: /);
    expectError(await app.api.request('GET', '/v1/invoices?contractId=a.b', { as: finance }), 400, /^contractId: /);
    expectError(await app.api.request('GET', '/v1/invoices?kind=hourly', { as: finance }), 400, /^kind: /);
    expectError(await app.api.request('GET', '/v1/invoices?colour=red', { as: finance }), 400, /^colour: unknown field/);
    expectError(await app.api.request('GET', '/v1/invoices/not.an.id', { as: finance }), 400, /^id: /);
  });
});
