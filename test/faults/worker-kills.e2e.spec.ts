import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { join } from 'node:path';
import { openPostgres, type SqlDb } from '@escrow/sql';
import { Pool } from 'pg';
import { startApp, type RunningApp } from '../support/app';
import { startStripeTestServer, type StripeTestServer } from '../stripe-server';
import { expectMoneyConsistent, faultRate, moneyChaos, planMilestones, runAll, setUpParties } from './fault-harness';

/**
 * The worker as a separate process, killed with SIGKILL at random moments while milestones go
 * through their lifecycle under provider faults, and started again each time: no event is
 * lost and no payment is made twice. A separate worker needs PostgreSQL (DATABASE_URL).
 * `npm run test:faults` kills it 20 times during 200 milestones.
 */
const databaseUrl = process.env.DATABASE_URL;
const milestoneCount = Number(process.env.FAULT_SUITE_MILESTONES ?? 16);
const killCount = Number(process.env.FAULT_SUITE_KILLS ?? (milestoneCount >= 100 ? 20 : 4));
const clientTimeoutMs = 1_000;
const webhookSecret = 'whsec_workerKills';
const root = join(__dirname, '..', '..');

const describeWithPostgres = databaseUrl ? describe : describe.skip;
if (!databaseUrl) {
  describe.skip('worker killed with SIGKILL during the fault suite skipped: DATABASE_URL is not set', () => {
    it('runs against real PostgreSQL when DATABASE_URL is set', () => undefined);
  });
}

describeWithPostgres(`worker killed ${killCount} times (SIGKILL) during ${milestoneCount} milestones with ${faultRate * 100}% provider faults`, () => {
  const schema = `t_kill_${randomBytes(5).toString('hex')}`;
  let db: SqlDb;
  let api: RunningApp;
  let stripe: StripeTestServer;
  let worker: ChildProcess | null = null;
  let workerLog = '';

  const stripeEnv = () => ({
    STRIPE_SECRET_KEY: 'sk_test_workerKills',
    STRIPE_WEBHOOK_SECRET: webhookSecret,
    STRIPE_API_BASE: stripe.url,
    STRIPE_TIMEOUT_MS: String(clientTimeoutMs),
    PAYMENT_RETRY_BASE_MS: '20',
    PAYMENT_EFFECT_LEASE_MS: '1500',
    PLATFORM_FEE_BPS: '1000',
  });

  function startWorker(): ChildProcess {
    const url = new URL(databaseUrl!);
    url.searchParams.set('options', `-c search_path=${schema}`);
    const child = spawn(process.execPath, ['-r', join(root, 'test/support/register-ts.cjs'), join(root, 'apps/worker/src/main.ts')], {
      cwd: root,
      env: { ...process.env, ...stripeEnv(), DATABASE_URL: url.toString(), NODE_OPTIONS: '', AUTH_SECRET: 'worker-kills-secret-long-enough-0123456789' },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const keep = (chunk: Buffer) => (workerLog = (workerLog + chunk.toString()).slice(-20_000));
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    return child;
  }

  async function kill(child: ChildProcess): Promise<void> {
    if (child.exitCode !== null || child.signalCode !== null) return;
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  beforeAll(async () => {
    stripe = await startStripeTestServer();
    db = await openPostgres({ connectionString: databaseUrl!, schema });
    api = await startApp(db, { env: { ...stripeEnv(), PROCESS_ROLE: 'api' } });
    stripe.setWebhook({ url: `${api.baseUrl}/v1/webhooks/stripe`, secret: webhookSecret });
    worker = startWorker();
  });
  afterAll(async () => {
    if (worker) await kill(worker);
    await api?.close();
    await db?.close();
    await stripe?.close();
    const admin = new Pool({ connectionString: databaseUrl!, max: 1 });
    await admin.query(`drop schema if exists "${schema}" cascade`);
    await admin.end();
    // In full runs on two busy cores the teardown has outlasted Jest's 60 s hook limit (kill, app
    // close, pool end); alone it takes well under a second. Not understood yet: see the closing note.
  }, 180_000);

  it('loses no event and moves no money twice', async () => {
    const since = new Date();
    const parties = await setUpParties(api, stripe);
    stripe.setChaos(moneyChaos(20261202, clientTimeoutMs));
    let kills = 0;
    let lifecyclesDone = false;
    const killer = (async () => {
      // Random moments, spread over the run: between 0.3 and 2 seconds of life each time.
      while (kills < killCount && !lifecyclesDone) {
        await new Promise((resolve) => setTimeout(resolve, 300 + Math.random() * 1_700));
        await kill(worker!);
        kills += 1;
        worker = startWorker();
      }
    })();
    const results = await runAll(api, planMilestones(milestoneCount, parties), 8, 180_000).finally(() => {
      lifecyclesDone = true;
    });
    await killer;
    stripe.setChaos(null);
    expect(results).toHaveLength(milestoneCount);
    expect(kills).toBeGreaterThan(0);
    await expectMoneyConsistent(api, stripe, results, since);
  }, 30 * 60_000);
});
