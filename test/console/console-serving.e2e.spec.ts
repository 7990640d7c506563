import { developmentAuthSecret, loadConfig } from '@escrow/runtime';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { devSignInEnabled } from '../../apps/api/src/console/dev-sign-in';
import { consoleSettings, contentSecurityPolicy } from '../../apps/api/src/console/serve-console';
import { startApp, type RunningApp } from '../support/app';
import { pgliteTarget, withDatabase } from '../support/databases';

/** A stand-in for the built console: serving files does not need the bundle. */
function consoleFolder(): string {
  const dir = mkdtempSync(join(tmpdir(), 'escrow-console-files-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>console</title>');
  writeFileSync(join(dir, 'console.js'), 'export {};');
  return dir;
}

describe('console: served files and the development sign-in', () => {
  const database = withDatabase(pgliteTarget);
  const dir = consoleFolder();
  const start = async (options: Parameters<typeof startApp>[1]): Promise<RunningApp> => {
    const app = await startApp(database.db, options);
    // Before the database closes.
    database.onClose(() => app.close());
    return app;
  };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('serves the console at /console with a policy that allows only its own origin', async () => {
    const app = await start({ consoleDir: dir });
    const bare = await fetch(`${app.baseUrl}/console`, { redirect: 'manual' });
    expect(bare.status).toBe(301);
    expect(bare.headers.get('location')).toBe('/console/');
    const index = await fetch(`${app.baseUrl}/console/`);
    expect(index.status).toBe(200);
    expect(await index.text()).toContain('<title>console</title>');
    const policy = index.headers.get('content-security-policy') ?? '';
    expect(policy).toContain("default-src 'self'");
    expect(policy).toContain("script-src 'self'");
    expect(policy).toContain("frame-ancestors 'none'");
    expect(policy).toContain("frame-src 'none'");
    expect(policy).not.toContain('stripe');
    expect((await fetch(`${app.baseUrl}/console/console.js`)).headers.get('content-type')).toMatch(/javascript/);
    expect((await fetch(`${app.baseUrl}/console/missing.js`)).status).toBe(404);
  });

  it('offers no "sign in as" with a real AUTH_SECRET: settings say so and the route answers 404', async () => {
    const app = await start({ consoleDir: dir });
    expect(await (await fetch(`${app.baseUrl}/console/settings.json`)).json()).toEqual({ devSignIn: false, payments: 'simulated', stripe: null });
    const minted = await app.request('POST', '/v1/dev/tokens', { body: { role: 'finance', id: 'fin_1' } });
    expect(minted.status).toBe(404);
    expect(minted.body.message).toMatch(/npm run -s token/);
  });

  it('mints a working token with the development secret, and names the field it refuses', async () => {
    const app = await start({ consoleDir: dir, env: { AUTH_SECRET: developmentAuthSecret } });
    expect(await (await fetch(`${app.baseUrl}/console/settings.json`)).json()).toEqual({ devSignIn: true, payments: 'simulated', stripe: null });
    const minted = await app.request('POST', '/v1/dev/tokens', { body: { role: 'finance', id: 'fin_dev' } });
    expect(minted.status).toBe(200);
    const trial = await fetch(`${app.baseUrl}/v1/ledger/trial-balance`, { headers: { authorization: `Bearer ${minted.body.token}` } });
    expect(trial.status).toBe(200);
    const badRole = await app.request('POST', '/v1/dev/tokens', { body: { role: 'admin', id: 'fin_dev' } });
    expect(badRole.status).toBe(400);
    expect(badRole.body.message).toMatch(/^role: /);
    const badId = await app.request('POST', '/v1/dev/tokens', { body: { role: 'finance', id: 'has space' } });
    expect(badId.status).toBe(400);
    expect(badId.body.message).toMatch(/^id: /);
    const extra = await app.request('POST', '/v1/dev/tokens', { body: { role: 'finance', id: 'fin_dev', lifetime: 99999999 } });
    expect(extra.status).toBe(400);
    expect(extra.body.message).toMatch(/lifetime/);
  });

  it("admits Stripe's origins only when the console collects cards with Stripe Elements", () => {
    const stripe = loadConfig({ STRIPE_SECRET_KEY: 'sk_test_csp', STRIPE_WEBHOOK_SECRET: 'whsec_csp', STRIPE_PUBLISHABLE_KEY: 'pk_test_csp' });
    const policy = contentSecurityPolicy(stripe.payments);
    expect(policy).toContain("script-src 'self' https://js.stripe.com;");
    expect(policy).toContain('frame-src https://js.stripe.com https://hooks.stripe.com;');
    expect(policy).toContain("connect-src 'self' https://api.stripe.com;");
    expect(consoleSettings(stripe)).toMatchObject({ payments: 'stripe', stripe: { publishableKey: 'pk_test_csp', jsUrl: 'https://js.stripe.com/v3/' } });
    // Stripe without a publishable key: no card form, so nothing of Stripe's is admitted.
    const keyOnly = loadConfig({ STRIPE_SECRET_KEY: 'sk_test_csp', STRIPE_WEBHOOK_SECRET: 'whsec_csp' });
    expect(contentSecurityPolicy(keyOnly.payments)).toBe(contentSecurityPolicy(loadConfig({}).payments));
    expect(consoleSettings(keyOnly)).toMatchObject({ payments: 'stripe', stripe: null });
  });

  it('never in production, whatever the secret', () => {
    expect(devSignInEnabled({ nodeEnv: 'production', authSecretIsDevelopmentDefault: true })).toBe(false);
    expect(devSignInEnabled({ nodeEnv: 'development', authSecretIsDevelopmentDefault: false })).toBe(false);
    expect(devSignInEnabled({ nodeEnv: 'development', authSecretIsDevelopmentDefault: true })).toBe(true);
  });

  it('answers 404 naming the build step when the console is not built', async () => {
    const app = await start({ consoleDir: join(dir, 'nowhere') });
    const response = await fetch(`${app.baseUrl}/console/`);
    expect(response.status).toBe(404);
    expect(((await response.json()) as { message: string }).message).toMatch(/npm run build/);
  });
});
