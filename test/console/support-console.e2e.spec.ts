import { effectAttemptsMax } from '@escrow/payment-process';
import { SimulatedPaymentGateway } from '@escrow/payments';
import { readFile } from 'node:fs/promises';
import type { Page } from 'playwright-core';
import { eventually } from '../support/app';
import { describeInBrowser, screenshot, seriousAccessibilityViolations } from '../support/browser';
import { withConsole } from '../support/console';
import { employer, lifecycle, support } from '../support/lifecycle';

const statusOf = (page: Page, milestone: string) => page.getByRole('row', { name: new RegExp(`^${milestone}\\b`) }).locator('.milestone-status');

describeInBrowser('console: support in a browser', () => {
  let gateway: SimulatedPaymentGateway;
  const { app, signInAs } = withConsole(async (db) => {
    gateway = await SimulatedPaymentGateway.open(db);
    return { gateway, env: { PAYMENT_RETRY_BASE_MS: '10' } };
  });
  let disputed: { contractId: string; milestoneId: string };

  beforeAll(async () => {
    const steps = lifecycle(app.api);
    await steps.setUpBilling();
    disputed = await steps.fundedMilestone('75.00');
  });

  it('an employer disputes; support finds it in the queue, splits it with a live check, and the ledger shows the split', async () => {
    const employerPage = await signInAs(employer);
    await employerPage.goto(`${app.api.baseUrl}/console/#/contracts/${disputed.contractId}`);
    await employerPage.getByText('Dispute', { exact: true }).click();
    await employerPage.getByLabel('Why').fill('Half the prompts were missing');
    await employerPage.getByRole('button', { name: 'Open a dispute on Batch 1' }).click();
    await statusOf(employerPage, 'Batch 1').getByText('disputed').waitFor();
    await employerPage.close();

    const page = await signInAs(support);
    await page.getByRole('heading', { name: 'Disputes' }).waitFor();
    const row = page.getByRole('row', { name: new RegExp(disputed.contractId) });
    await expect(row.innerText()).resolves.toContain('Half the prompts were missing');
    await screenshot(page, 'support-disputes');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await row.getByRole('link').click();

    // The check follows the typing: too much, then parts that add up.
    const trainerPart = page.getByLabel('To the trainer (USD)');
    await trainerPart.fill('75.00');
    await expect(page.getByTestId('split-check').innerText()).resolves.toMatch(/less than 75\.00/);
    await trainerPart.fill('30.1');
    await expect(page.getByTestId('split-check').innerText()).resolves.toBe('30.10 to the trainer + 44.90 refunded = 75.00 held: adds up.');
    await page.getByLabel('Note (kept in the case file)').fill('Split by delivered share');
    await screenshot(page, 'support-resolve-split');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await page.getByRole('button', { name: 'Resolve the dispute on Batch 1' }).click();
    // The trainer's part is paid out by the saga: the page learns it live.
    await statusOf(page, 'Batch 1').getByText('paid', { exact: true }).waitFor();
    await expect(page.getByRole('row', { name: /^Batch 1\b/ }).innerText()).resolves.toContain('44.90');

    await page.getByRole('link', { name: 'Escrow account' }).click();
    const account = `escrow:contract:${disputed.contractId}`;
    await page.getByRole('heading', { name: `Account ${account}` }).waitFor();
    const entries = await eventually(async () => {
      const answer = await app.api.request('GET', `/v1/ledger/accounts/${account}`, { as: support });
      const list = answer.body.entries as { eventType: string; debit: string; credit: string; balance: string }[];
      return list.at(-1)?.balance === '0.00' && list.length >= 3 ? list : undefined;
    }, 'the escrow account emptied by the split');
    await page.reload();
    await page.getByRole('table').waitFor();
    await eventually(async () => ((await page.locator('tbody tr').count()) === entries.length ? true : undefined), 'every entry on the page');
    const rows = await page.locator('tbody tr').evaluateAll((trs) => trs.map((tr) => [...tr.querySelectorAll('td')].map((td) => td.textContent?.trim() ?? '')));
    expect(rows.map((cells) => [cells[1], cells[4], cells[5], cells[6]])).toEqual(entries.map((e) => [e.eventType, e.debit, e.credit, e.balance]));
    expect(entries.map((e) => e.debit)).toEqual(expect.arrayContaining(['30.10', '44.90']));
    await screenshot(page, 'support-escrow-account');

    await page.goto(`${app.api.baseUrl}/console/#/contracts/${disputed.contractId}/replay`);
    const replay = await app.api.request('GET', `/v1/contracts/${disputed.contractId}/replay`, { as: support });
    await page.getByRole('heading', { name: /MilestoneDisputeResolved$/ }).waitFor();
    expect(await page.locator('ol.timeline h2').allInnerTexts()).toEqual(replay.body.steps.map((s: { revision: number; type: string }) => `${s.revision + 1}. ${s.type}`));
    await screenshot(page, 'support-replay');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);

    await page.goto(`${app.api.baseUrl}/console/#/contracts/${disputed.contractId}`);
    const [pdf] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Case file (PDF)' }).click()]);
    expect((await readFile((await pdf.path())!)).subarray(0, 5).toString('latin1')).toBe('%PDF-');
    expect(pdf.suggestedFilename()).toMatch(/\.pdf$/);
    await page.close();
  });

  it('lists a payment that gave up and shows why a retry is refused', async () => {
    const steps = lifecycle(app.api);
    const { contractId, milestoneId } = await steps.hire('32.00');
    gateway.injectFault({ kind: 'charge', when: 'before_apply', times: effectAttemptsMax });
    await steps.fund(contractId, milestoneId);
    const item = await eventually(async () => {
      const stuck = await app.api.request('GET', '/v1/admin/payments/stuck', { as: support });
      return (stuck.body.effects as { id: string; milestoneId: string }[]).find((e) => e.milestoneId === milestoneId);
    }, 'the stuck charge');

    const page = await signInAs(support);
    await page.getByRole('link', { name: 'Stuck payments' }).click();
    const row = page.getByRole('row', { name: new RegExp(item.id) });
    await expect(row.innerText()).resolves.toMatch(/charge\s+dead/);
    await screenshot(page, 'support-stuck-payments');
    expect(await seriousAccessibilityViolations(page)).toEqual([]);
    await row.getByRole('button', { name: `Retry ${item.id}` }).click();
    await expect(row.getByRole('alert').innerText()).resolves.toMatch(/^409: .*milestone is pending/);
    await page.close();
  });
});
