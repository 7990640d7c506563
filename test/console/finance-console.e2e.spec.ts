import type { Actor } from '@escrow/domain';
import { readFile } from 'node:fs/promises';
import type { Locator } from 'playwright-core';
import { describeInBrowser, screenshot, seriousAccessibilityViolations } from '../support/browser';
import { withConsole } from '../support/console';
import { lifecycle } from '../support/lifecycle';

const finance: Actor = { role: 'finance', id: 'fin_console' };

interface AccountTotals {
  account: string;
  debits: string;
  credits: string;
  balance: string;
}

/** The rows of the page's accounts table as [account, debits, credits, balance], footer excluded. */
async function accountRows(table: Locator): Promise<string[][]> {
  return table.locator('tbody tr').evaluateAll((rows) => rows.map((row) => [...row.querySelectorAll('th, td')].map((cell) => cell.textContent?.trim() ?? '')));
}

const asRows = (accounts: AccountTotals[]) => accounts.map((a) => [a.account, a.debits, a.credits, a.balance]);

describeInBrowser('console: finance in a browser', () => {
  const { app, openConsole, signInAs } = withConsole();
  let paid: { contractId: string; milestoneId: string };
  let funded: { contractId: string; milestoneId: string; position: string };

  beforeAll(async () => {
    const steps = lifecycle(app.api);
    await steps.setUpBilling();
    paid = await steps.paidMilestone('150.00');
    funded = await steps.fundedMilestone('75.25');
  });

  const api = <T>(path: string) =>
    app.api.request<T>('GET', path, { as: finance }).then((r) => {
      expect(r.status).toBe(200);
      return r.body;
    });

  it('reads the trial balance the api computes, as of now, of an earlier position and by account prefix', async () => {
    const page = await signInAs(finance);
    await page.getByRole('heading', { name: 'Trial balance' }).waitFor();
    const table = page.getByRole('table');
    await table.waitFor();

    const now = await api<{ accounts: AccountTotals[]; totalDebits: string; totalCredits: string; balanced: boolean }>('/v1/ledger/trial-balance');
    expect(now.accounts.length).toBeGreaterThanOrEqual(4);
    expect(await accountRows(table)).toEqual(asRows(now.accounts));
    expect(await table.locator('tfoot').innerText()).toContain(now.totalDebits);
    expect(now.balanced).toBe(true);
    await expect(page.getByRole('status').innerText()).resolves.toMatch(/^Balanced/);
    await screenshot(page, 'finance-trial-balance');

    // As of the second contract's hire: its funding is not in the balances yet.
    const then = await api<{ asOf: string; accounts: AccountTotals[] }>(`/v1/ledger/trial-balance?asOf=${funded.position}`);
    await page.getByLabel('or log position').fill(funded.position);
    await page.getByRole('button', { name: 'Show' }).click();
    await page.getByText(`As of ${then.asOf}`).waitFor();
    expect(then.accounts).not.toEqual(now.accounts);
    expect(await accountRows(table)).toEqual(asRows(then.accounts));

    // A position the api refuses: its message, naming the field, on the page.
    await page.getByLabel('or log position').fill('yesterday');
    await page.getByRole('button', { name: 'Show' }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/^400: asOf: /);

    await page.getByRole('button', { name: 'Now' }).click();
    await page.getByLabel('Account prefix').fill('escrow:');
    await page.getByRole('button', { name: 'Filter' }).click();
    await page.getByText('accounts starting with “escrow:”').waitFor();
    const escrow = await api<{ balances: AccountTotals[] }>('/v1/ledger/balances?prefix=escrow%3A');
    expect(escrow.balances.map((b) => b.account)).toContain(`escrow:contract:${funded.contractId}`);
    expect(await accountRows(table)).toEqual(asRows(escrow.balances));
    await page.close();
  });

  it("opens an account's entries with the running balance after each", async () => {
    const page = await signInAs(finance);
    const account = `escrow:contract:${paid.contractId}`;
    await page.getByRole('link', { name: account }).click();
    await page.getByRole('heading', { name: `Account ${account}` }).waitFor();
    const entries = await api<{ entries: { eventType: string; debit: string; credit: string; balance: string }[] }>(`/v1/ledger/accounts/${account}`);
    expect(entries.entries.length).toBeGreaterThanOrEqual(2);
    const rows = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
    expect(rows.map((cells) => [cells[1], cells[4], cells[5], cells[6]])).toEqual(entries.entries.map((e) => [e.eventType, e.debit, e.credit, e.balance]));
    await screenshot(page, 'finance-account-entries');
    await page.close();
  });

  it('downloads an invoice PDF and the invoices CSV, byte for byte what the api serves', async () => {
    const page = await signInAs(finance);
    await page.getByRole('link', { name: 'Invoices' }).click();
    await page.getByRole('heading', { name: 'Invoices' }).waitFor();
    const list = await api<{ invoices: { id: string; number: string; contractId: string; kind: string }[] }>('/v1/invoices');
    const payout = list.invoices.find((i) => i.contractId === paid.contractId && i.kind === 'trainer_payout');
    expect(payout).toBeDefined();
    await page.getByRole('row', { name: new RegExp(payout!.number) }).waitFor();
    expect(await page.locator('tbody tr th').allInnerTexts()).toEqual(list.invoices.map((i) => i.number));
    await screenshot(page, 'finance-invoices');

    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: `PDF ${payout!.number}` }).click()]);
    const served = await fetch(`${app.api.baseUrl}/v1/invoices/${payout!.id}.pdf`, { headers: { authorization: `Bearer ${app.api.token(finance.role, finance.id)}` } });
    const downloaded = await readFile((await pdf.path())!);
    expect(downloaded.subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(downloaded.equals(Buffer.from(await served.arrayBuffer()))).toBe(true);
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);

    const [csv] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Download CSV' }).click()]);
    const text = await readFile((await csv.path())!, 'utf8');
    expect(csv.suggestedFilename()).toBe('invoices.csv');
    for (const invoice of list.invoices) expect(text).toContain(invoice.number);
    await page.close();
  });

  it('has no serious or critical accessibility violations on any finance page', async () => {
    const sign = await openConsole();
    await sign.getByRole('button', { name: /^Sign in as/ }).waitFor();
    await screenshot(sign, 'sign-in');
    expect(await seriousAccessibilityViolations(sign)).toEqual([]);
    await sign.close();
    const page = await signInAs(finance);
    for (const [route, heading] of [
      ['/ledger/trial-balance', 'Trial balance'],
      [`/ledger/accounts/escrow:contract:${paid.contractId}`, `Account escrow:contract:${paid.contractId}`],
      ['/invoices', 'Invoices'],
    ] as const) {
      await page.goto(`${app.api.baseUrl}/console/#${route}`);
      await page.getByRole('heading', { name: heading }).waitFor();
      await page.getByRole('table').waitFor();
      expect({ route, violations: await seriousAccessibilityViolations(page) }).toEqual({ route, violations: [] });
    }
    await page.close();
  });

  it('reconciles a period with the provider and highlights each mismatch the api reports', async () => {
    // The provider's record of the payout changed behind our back (the simulated gateway's own table).
    const view = await api<{ milestones: { transferReference: string }[] }>(`/v1/contracts/${paid.contractId}`);
    const transferId = view.milestones[0]!.transferReference;
    await app.db.query('update simgw_transfers set amount_cents = amount_cents - 1000 where transfer_id = $1', [transferId]);
    const page = await signInAs(finance);
    await page.getByRole('link', { name: 'Reconciliation' }).click();
    await page.getByRole('button', { name: 'Reconcile' }).click();
    const row = page.locator('tr.mismatch', { hasText: transferId });
    await row.waitFor();
    const from = await page.getByLabel('From (UTC day)').inputValue();
    const to = await page.getByLabel('To (UTC day, exclusive)').inputValue();
    const report = await api<{ mismatches: { kind: string; id: string }[] }>(`/v1/ledger/reconciliation?from=${from}T00:00:00Z&to=${to}T00:00:00Z`);
    expect(report.mismatches).toContainEqual(expect.objectContaining({ kind: 'amount_differs', id: transferId }));
    expect(await page.locator('tr.mismatch').count()).toBe(report.mismatches.length);
    await expect(row.innerText()).resolves.toMatch(/amount differs[\s\S]*150\.00[\s\S]*140\.00/);
    await expect(page.getByRole('status').innerText()).resolves.toMatch(/^\d+ mismatch/);
    await screenshot(page, 'finance-reconciliation');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await app.db.query('update simgw_transfers set amount_cents = amount_cents + 1000 where transfer_id = $1', [transferId]);
    await page.close();
  });

  it('verifies the hash chain and takes an anchor, as the api computes them', async () => {
    const page = await signInAs(finance);
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByRole('button', { name: 'Verify the whole log' }).click();
    await page.getByText(/^Intact: \d+ events checked/).waitFor();
    const verified = await api<{ ok: boolean; checked: number }>('/v1/audit/verify');
    expect(verified.ok).toBe(true);
    // Nothing was appended in between: the same count on the page.
    await expect(page.getByText(/^Intact:/).innerText()).resolves.toContain(`${verified.checked} events checked`);
    await page.getByRole('button', { name: 'Take the current anchor' }).click();
    const anchor = await api<{ anchor: string }>('/v1/audit/anchor');
    await expect(page.getByTestId('anchor').innerText()).resolves.toBe(anchor.anchor);
    // Verified against that anchor: still intact.
    await page.getByLabel('Anchor recorded earlier (optional)').fill(anchor.anchor);
    await page.getByRole('button', { name: 'Verify the whole log' }).click();
    await page.getByRole('status').getByText('Anchor', { exact: true }).waitFor();
    await expect(page.locator('.status').first().innerText()).resolves.toMatch(/^Intact/);
    await screenshot(page, 'finance-audit');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.close();
  });

  it("signs in with a pasted token, and signs out with the api's reason when it refuses one", async () => {
    const page = await openConsole();
    await page.getByLabel('Bearer token').fill('not-a-token');
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toContain('three parts');

    await page.getByLabel('Bearer token').fill(`Bearer ${app.api.token('finance', 'fin_pasted')}`);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('fin_pasted', { exact: true }).waitFor();
    await page.getByRole('heading', { name: 'Trial balance' }).waitFor();
    await page.getByRole('button', { name: 'Sign out' }).click();

    // Well-formed, but signed with another secret: the console reads it, the api refuses it.
    const forged = app.api.token('finance', 'fin_forged').split('.');
    forged[2] = Buffer.from('not the signature').toString('base64url');
    await page.getByLabel('Bearer token').fill(forged.join('.'));
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await expect(page.getByRole('alert').innerText()).resolves.toMatch(/^Signed out: the api refused the token \(invalid bearer token/);
    await page.getByLabel('Bearer token').waitFor();
    await page.close();
  });
});
