import type { Actor } from '@escrow/domain';
import type { Page } from 'playwright-core';
import { describeInBrowser, screenshot, seriousAccessibilityViolations } from '../support/browser';
import { withConsole } from '../support/console';
import { eventually } from '../support/app';

const employer: Actor = { role: 'employer', id: 'emp_console' };
const trainer: Actor = { role: 'trainer', id: 'tr_console' };

/** The status shown in the milestone's row (the badge's text). */
const statusOf = (page: Page, milestone: string) => page.getByRole('row', { name: new RegExp(`^${milestone}\\b`) }).locator('.milestone-status');

describeInBrowser('console: an employer and a trainer in a browser', () => {
  const { app, signInAs } = withConsole();

  it('pages through a long contract list with the api’s cursor', async () => {
    const busy: Actor = { role: 'employer', id: 'emp_console_busy' };
    const hired: string[] = [];
    for (let i = 0; i < 53; i++) {
      const answer = await app.api.request('POST', '/v1/contracts', {
        as: busy,
        body: { projectName: `Batch project ${i}`, trainerId: trainer.id, firstMilestone: { name: 'M', amount: '1.00' } },
      });
      expect(answer.status).toBe(201);
      hired.push(answer.body.contractId);
    }
    await app.api.request('GET', `/v1/contracts/${hired.at(-1)}`, { as: busy });
    const page = await signInAs(busy);
    const rows = page.locator('tbody tr');
    await page.getByRole('button', { name: 'More contracts' }).waitFor();
    expect(await rows.count()).toBe(50);
    await page.getByRole('button', { name: 'More contracts' }).click();
    await eventually(async () => ((await rows.count()) === 53 ? true : undefined), 'the second page appended');
    await expect(page.getByRole('button', { name: 'More contracts' }).count()).resolves.toBe(0);
    const shown = await rows.locator('th a').allInnerTexts();
    expect([...shown].sort()).toEqual(hired.map((_, i) => `Batch project ${i}`).sort());
    await page.close();
  });

  it('sets up billing and payouts from the settings pages', async () => {
    const employerPage = await signInAs(employer);
    await employerPage.getByRole('link', { name: 'Billing' }).click();
    await employerPage.getByLabel('Test card').selectOption('pm_card_visa');
    await employerPage.getByRole('button', { name: 'Use this card' }).click();
    await expect(employerPage.getByRole('status').innerText()).resolves.toContain('pm_card_visa');
    await screenshot(employerPage, 'employer-billing');
    expect(await seriousAccessibilityViolations(employerPage)).toEqual([]);
    await employerPage.close();

    const trainerPage = await signInAs(trainer);
    await trainerPage.getByRole('link', { name: 'Payouts' }).click();
    await trainerPage.getByRole('button', { name: 'Open or refresh payout account' }).click();
    await trainerPage.getByText('enabled', { exact: true }).waitFor();
    await expect(trainerPage.getByRole('link', { name: 'Continue onboarding at the payment provider' }).getAttribute('href')).resolves.toMatch(/^https:\/\//);
    await screenshot(trainerPage, 'trainer-payouts');
    expect(await seriousAccessibilityViolations(trainerPage)).toEqual([]);
    await trainerPage.close();
  });

  it('hires, funds and approves; both parties see each status appear live, then paid, without a reload', async () => {
    const employerPage = await signInAs(employer);
    await employerPage.getByRole('heading', { name: 'Contracts' }).waitFor();
    await employerPage.getByText('Hire a trainer').click();
    await employerPage.getByLabel('Project').fill('Console eval');
    await employerPage.getByLabel('Trainer id').fill(trainer.id);
    await employerPage.getByLabel('First milestone').fill('Batch A');
    // A refused amount: the api's message names the field, and nothing is hired.
    await employerPage.getByLabel('Amount (USD)').fill('12.345');
    await employerPage.getByRole('button', { name: 'Hire' }).click();
    await expect(employerPage.getByRole('alert').innerText()).resolves.toMatch(/^400: firstMilestone\.amount/);
    await employerPage.getByLabel('Amount (USD)').fill('240.50');
    await employerPage.getByRole('button', { name: 'Hire' }).click();
    await employerPage.getByRole('heading', { name: 'Console eval' }).waitFor();
    const contractId = /#\/contracts\/(.+)$/.exec(employerPage.url())![1]!;
    await employerPage.getByText('Live: statuses update as they happen').waitFor();
    await expect(statusOf(employerPage, 'Batch A').innerText()).resolves.toBe('pending');

    // The contract is not settled: the api's reason is shown, nothing archived.
    await employerPage.getByRole('button', { name: 'Archive contract' }).click();
    await expect(employerPage.getByRole('alert').innerText()).resolves.toMatch(/^(409|422): /);

    const trainerPage = await signInAs(trainer);
    await trainerPage.getByRole('link', { name: 'Console eval' }).click();
    await trainerPage.getByText('Live: statuses update as they happen').waitFor();
    // Marks both documents: a reload would drop them.
    for (const page of [employerPage, trainerPage]) await page.evaluate(() => Object.assign(globalThis, { sameDocument: true }));

    await employerPage.getByRole('button', { name: 'Fund Batch A' }).click();
    // Funded by the payment saga in the background: the trainer's page learns it from the feed.
    await trainerPage.getByRole('button', { name: 'Request approval of Batch A' }).waitFor();
    await expect(statusOf(trainerPage, 'Batch A').innerText()).resolves.toBe('funded');
    await trainerPage.getByRole('button', { name: 'Request approval of Batch A' }).click();

    await employerPage.getByRole('button', { name: 'Approve Batch A' }).waitFor();
    await screenshot(employerPage, 'employer-contract');
    await employerPage.getByRole('button', { name: 'Approve Batch A' }).click();
    for (const page of [employerPage, trainerPage]) {
      await statusOf(page, 'Batch A').getByText('paid', { exact: true }).waitFor();
      await expect(page.evaluate(() => (globalThis as { sameDocument?: boolean }).sameDocument)).resolves.toBe(true);
    }
    const view = await app.api.request('GET', `/v1/contracts/${contractId}`, { as: employer });
    const row = await employerPage.getByRole('row', { name: /^Batch A\b/ }).locator('td').allInnerTexts();
    expect(row.slice(0, 5)).toEqual(['paid', `${view.body.milestones[0].amount} USD`, view.body.milestones[0].fee, view.body.milestones[0].net, view.body.milestones[0].refunded]);
    await screenshot(trainerPage, 'trainer-contract');

    // Settled now: archiving succeeds.
    await employerPage.getByRole('button', { name: 'Archive contract' }).click();
    await employerPage.getByText(/, archived, since/).waitFor();

    for (const page of [employerPage, trainerPage]) {
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
      await page.getByRole('link', { name: page === employerPage ? 'Contracts' : 'Milestones' }).click();
      await page.getByRole('link', { name: 'Console eval' }).waitFor();
      expect(await seriousAccessibilityViolations(page)).toEqual([]);
    }
    await screenshot(employerPage, 'employer-contracts');
    await employerPage.close();

    // The trainer's notifications of this lifecycle, as the api lists them; marked read from the page.
    await trainerPage.getByRole('link', { name: 'Notifications' }).click();
    const listed = await app.api.request('GET', '/v1/notifications', { as: trainer });
    const titles = (listed.body.notifications as { title: string }[]).map((n) => n.title);
    expect(titles.length).toBeGreaterThanOrEqual(2);
    await trainerPage.getByRole('heading', { name: titles[0] }).waitFor();
    expect((await trainerPage.locator('ul.notifications h2').allInnerTexts()).map((t) => t.replace(/^Unread:\s*/, ''))).toEqual(titles);
    expect(await seriousAccessibilityViolations(trainerPage)).toEqual([]);
    await screenshot(trainerPage, 'trainer-notifications');
    await trainerPage.getByRole('button', { name: /^Mark all \d+ read$/ }).click();
    await trainerPage.locator('ul.notifications li.unread').first().waitFor({ state: 'detached' });
    const after = await app.api.request('GET', '/v1/notifications', { as: trainer });
    expect((after.body.notifications as { readAt: string | null }[]).every((n) => n.readAt !== null)).toBe(true);
    await trainerPage.close();
  });
});
