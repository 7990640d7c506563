import { chromium, type Browser, type Page } from 'playwright-core';
import { execFileSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** Debian's chromium (`.ci/run` installs it when missing); CHROMIUM_PATH points elsewhere. */
export const chromiumPath = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/**
 * Headless Chromium for the console tests. Background networking, component updates and sync
 * are off: the browser must not reach anything but the app under test.
 */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: chromiumPath,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'],
  });
}

/** The console bundled into a folder of its own for one test file (esbuild: well under a second). */
export function buildConsoleForTests(): string {
  const outDir = mkdtempSync(join(tmpdir(), 'escrow-console-'));
  execFileSync(process.execPath, [join(__dirname, '..', '..', 'scripts', 'console', 'build-console.mjs'), outDir], { stdio: 'pipe' });
  return outDir;
}

export interface AxeViolation {
  readonly id: string;
  readonly impact: 'minor' | 'moderate' | 'serious' | 'critical' | null;
  readonly help: string;
  readonly nodes: readonly { target: readonly string[] }[];
}

const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');

/** axe-core run inside the page over the whole document (WCAG 2.1 A and AA rules); the serious and critical violations. */
export async function seriousAccessibilityViolations(page: Page): Promise<AxeViolation[]> {
  // Injected through evaluate, not a script tag: the console's content security policy allows only its own scripts.
  await page.evaluate(axeSource);
  const violations = await page.evaluate(async () => {
    const axe = (globalThis as unknown as { axe: { run: (options: unknown) => Promise<{ violations: AxeViolation[] }> } }).axe;
    const result = await axe.run({ runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa'] } });
    return result.violations.map((v) => ({ id: v.id, impact: v.impact, help: v.help, nodes: v.nodes.map((n) => ({ target: n.target })) }));
  });
  return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
}

/**
 * Why the console suites cannot run here, or null. `.ci/run` installs chromium and sets
 * REQUIRE_BROWSER=1, so in CI a missing browser fails the suite instead of skipping it.
 */
export function browserMissing(): string | null {
  if (existsSync(chromiumPath)) return null;
  const reason = `no Chromium at ${chromiumPath} (install Debian's chromium, or set CHROMIUM_PATH)`;
  if (process.env.REQUIRE_BROWSER === '1') throw new Error(`REQUIRE_BROWSER=1 but ${reason}`);
  return reason;
}

/** `describe` for a console suite; skipped, with its reason printed, when there is no browser. */
export function describeInBrowser(title: string, body: () => void): void {
  const missing = browserMissing();
  if (missing) {
    describe.skip(`${title} skipped: ${missing}`, () => {
      it('runs in headless Chromium', () => undefined);
    });
    return;
  }
  describe(title, body);
}

/**
 * When CONSOLE_SCREENSHOTS names a folder (the README's pictures: docs/console), each page a
 * console test reaches is saved there under `name`.png; otherwise nothing is written.
 */
export async function screenshot(page: Page, name: string): Promise<void> {
  const dir = process.env.CONSOLE_SCREENSHOTS;
  if (!dir) return;
  mkdirSync(dir, { recursive: true });
  await page.screenshot({ path: join(dir, `${name}.png`), fullPage: true });
}
