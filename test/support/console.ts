import type { Actor } from '@escrow/domain';
import { developmentAuthSecret } from '@escrow/runtime';
import { rmSync } from 'node:fs';
import type { Browser, Page } from 'playwright-core';
import type { SqlDb } from '@escrow/sql';
import { withApp, type AppFixture, type StartAppOptions } from './app';
import { buildConsoleForTests, launchBrowser } from './browser';
import { pgliteTarget, postgresTarget } from './databases';

export interface ConsoleFixture {
  readonly app: AppFixture;
  /** A fresh browser context (its own session storage) on the console's sign-in page. */
  openConsole(): Promise<Page>;
  /** Signed in through the development "sign in as" picker. */
  signInAs(actor: Actor): Promise<Page>;
}

/**
 * The app with the console built for this file, on the development secret (the only configuration
 * with the "sign in as" picker), and one headless Chromium. An uncaught error in a page fails the
 * test that caused it. The console is one bundle over the api: its suites run on one store
 * (PostgreSQL when configured); the api's own suites cover both.
 */
export function withConsole(options: (db: SqlDb) => StartAppOptions | Promise<StartAppOptions> = () => ({})): ConsoleFixture {
  let consoleDir = '';
  const app = withApp(postgresTarget ?? pgliteTarget, async (db) => {
    const own = await options(db);
    consoleDir = buildConsoleForTests();
    return { ...own, consoleDir, env: { ...own.env, AUTH_SECRET: developmentAuthSecret } };
  });
  let browser: Browser | null = null;
  const pageErrors: string[] = [];
  beforeAll(async () => {
    browser = await launchBrowser();
  });
  afterEach(() => expect(pageErrors.splice(0)).toEqual([]));
  afterAll(async () => {
    await browser?.close();
    if (consoleDir) rmSync(consoleDir, { recursive: true, force: true });
  });

  const openConsole = async (): Promise<Page> => {
    if (!browser) throw new Error('withConsole: the browser is open only within the hooks and tests of its describe');
    const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 800 } });
    const page = await context.newPage();
    page.on('pageerror', (error) => pageErrors.push(error.message));
    // A renderer that dies surfaces later as "page closed": say so where it happened.
    page.on('crash', () => pageErrors.push(`the page crashed (renderer gone) at ${page.url()}`));
    page.on('close', () => void context.close());
    await page.goto(`${app.api.baseUrl}/console`);
    return page;
  };

  return {
    app,
    openConsole,
    async signInAs(actor) {
      const page = await openConsole();
      await page.getByLabel('Role').selectOption(actor.role);
      await page.getByLabel('Party id').fill(actor.id);
      await page.getByRole('button', { name: `Sign in as ${actor.role}` }).click();
      await page.getByText(actor.id, { exact: true }).waitFor();
      return page;
    },
  };
}
