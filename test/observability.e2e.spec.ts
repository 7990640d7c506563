import { Module, type INestApplicationContext } from '@nestjs/common';
import { NestFactory } from '@nestjs/core';
import { CqrsModule } from '@nestjs/cqrs';
import { WrongExpectedVersion } from '@escrow/event-store';
import { MetricsServerHost, ObservabilityModule } from '@escrow/observability';
import { projections } from '@escrow/projections/registry';
import { InfrastructureModule, loadConfig } from '@escrow/runtime';
import { poolSizeMaxDefault } from '@escrow/sql';
import { WorkerModule } from '@escrow/worker-host';
import { startEsdbTestServer, type EsdbTestServer } from './esdb-server';
import { eventually, startApp, testAuthSecret, withApp, type RunningApp } from './support/app';
import { describeEachDatabase, withDatabase } from './support/databases';
import { lifecycle } from './support/lifecycle';
import { parsePrometheusText, samplesOf, sumOf, type Sample } from './support/prometheus';
import { appendMany, contractCreated, openRawStream, storeOf } from './event-feed/feed-support';

const metricsToken = 'metrics-token-for-the-tests-0123456789abcdef';
const readModels = projections.map((projection) => projection.name).sort();
const httpCount = 'escrow_http_request_duration_seconds_count';
const appendCount = 'escrow_event_append_duration_seconds_count';

async function scrape(baseUrl: string): Promise<Sample[]> {
  const response = await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } });
  expect(response.status).toBe(200);
  expect(response.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
  return parsePrometheusText(await response.text());
}

async function get(baseUrl: string, path: string, headers: Record<string, string> = {}): Promise<{ status: number; body: any }> {
  const response = await fetch(`${baseUrl}${path}`, { headers });
  const text = await response.text();
  return { status: response.status, body: text.startsWith('{') ? JSON.parse(text) : text };
}

/** The lag gauge of each read model, when every read model has exactly one sample. */
function lagsOf(samples: readonly Sample[], name: string): [string, number][] | undefined {
  const lags = readModels.map((readModel) => samplesOf(samples, name, { read_model: readModel }));
  if (!lags.every((found) => found.length === 1)) return undefined;
  return lags.map((found) => [found[0]!.labels.read_model!, found[0]!.value]);
}

describeEachDatabase('metrics and health of the running app', (target) => {
  const app = withApp(target, { env: { METRICS_TOKEN: metricsToken } });

  it('measures requests by route pattern, appends, payment effects and read-model lag through a funding', async () => {
    const steps = lifecycle(app.api);
    const before = await scrape(app.api.baseUrl);
    await steps.setUpBilling();
    const { contractId, milestoneId } = await steps.hire();
    await steps.fund(contractId, milestoneId);
    await steps.milestoneReaches(contractId, milestoneId, 'funded');
    const after = await scrape(app.api.baseUrl);

    const grew = (name: string, labels: Record<string, string>) => sumOf(after, name, labels) - sumOf(before, name, labels);
    expect(grew(httpCount, { method: 'POST', route: '/v1/contracts', status: '201' })).toBe(1);
    expect(grew(httpCount, { method: 'POST', route: '/v1/contracts/:cid/milestones/:mid/fund', status: '202' })).toBe(1);
    expect(grew(httpCount, { method: 'GET', route: '/v1/contracts/:cid', status: '200' })).toBeGreaterThanOrEqual(1);
    // The pattern, never the raw URL: no id of ours is a label value.
    expect(samplesOf(after, httpCount).filter((sample) => JSON.stringify(sample.labels).includes(contractId))).toEqual([]);
    // Billing (2 streams), hire, funding request, the saga's MilestoneFunded: each at least one append.
    expect(grew(appendCount, { outcome: 'appended' })).toBeGreaterThanOrEqual(5);
    expect(sumOf(after, 'escrow_saga_effects', { kind: 'charge', status: 'done' })).toBeGreaterThanOrEqual(1);
    expect(samplesOf(after, 'escrow_saga_effects')).toHaveLength(9);
    expect(samplesOf(after, 'escrow_webhook_inbox_depth').map((s) => [s.labels.status, s.value]).sort()).toEqual([
      ['failed', 0],
      ['pending', 0],
    ]);
    expect(sumOf(after, 'escrow_saga_dead_letters')).toBe(0);
    expect(samplesOf(after, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);

    // Every read model has its lag series, and both reach 0 once the worker has caught up.
    const caughtUp = await eventually(async () => {
      const samples = await scrape(app.api.baseUrl);
      const lags = lagsOf(samples, 'escrow_projection_lag_events');
      return lags?.every(([, events]) => events === 0) ? samples : undefined;
    }, 'every read model to catch up');
    expect(lagsOf(caughtUp, 'escrow_projection_lag_seconds')).toEqual(readModels.map((readModel) => [readModel, 0]));
  });

  it('counts an append refused with WrongExpectedVersion, by stream category', async () => {
    const { contractId } = await lifecycle(app.api).hire();
    const before = await scrape(app.api.baseUrl);
    // The app's own store (the measured one): the contract's stream exists, so "no_stream" is a conflict.
    await expect(storeOf(app.api).append(`contract-${contractId}`, [contractCreated(contractId)], 'no_stream')).rejects.toBeInstanceOf(WrongExpectedVersion);
    const after = await scrape(app.api.baseUrl);
    const grew = (name: string, labels: Record<string, string>) => sumOf(after, name, labels) - sumOf(before, name, labels);
    expect(grew('escrow_event_append_conflicts_total', { stream_category: 'contract' })).toBe(1);
    expect(grew(appendCount, { outcome: 'wrong_expected_version' })).toBe(1);
  });

  it('shows open event-feed subscribers, and the stream in the request histogram once it ends', async () => {
    const feedRequests = (samples: Sample[]) => sumOf(samples, httpCount, { method: 'GET', route: '/v1/events', status: '200' });
    const before = await scrape(app.api.baseUrl);
    expect(sumOf(before, 'escrow_feed_subscribers')).toBe(0);
    const raw = await openRawStream(app.api.baseUrl, '/v1/events', { authorization: `Bearer ${app.api.token('service', 'svc_metrics')}` });
    try {
      await eventually(async () => (sumOf(await scrape(app.api.baseUrl), 'escrow_feed_subscribers') === 1 ? true : undefined), 'one feed subscriber');
    } finally {
      raw.close();
    }
    const closed = await eventually(async () => {
      const samples = await scrape(app.api.baseUrl);
      return sumOf(samples, 'escrow_feed_subscribers') === 0 && feedRequests(samples) > feedRequests(before) ? samples : undefined;
    }, 'the subscriber to be gone and its request counted');
    expect(feedRequests(closed) - feedRequests(before)).toBe(1);
  });

  it('refuses /metrics without METRICS_TOKEN, whatever else the caller holds', async () => {
    const refusals = [
      await get(app.api.baseUrl, '/metrics'),
      await get(app.api.baseUrl, '/metrics', { authorization: `Bearer ${metricsToken}x` }),
      await get(app.api.baseUrl, '/metrics', { authorization: `Bearer ${app.api.token('finance', 'fin_1')}` }),
      await get(app.api.baseUrl, '/metrics', { authorization: metricsToken }),
    ];
    expect(refusals.map((r) => r.status)).toEqual([401, 401, 401, 401]);
    for (const refused of refusals) expect(refused.body).toMatchObject({ statusCode: 401, error: 'Unauthorized', message: expect.stringContaining('METRICS_TOKEN') });
  });

  it('answers /health/live and /health/ready with every check up, and keeps GET /health', async () => {
    expect(await get(app.api.baseUrl, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await get(app.api.baseUrl, '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({
      status: 'ok',
      details: { database: { status: 'up' }, eventStore: { status: 'up' }, projections: { status: 'up', maxLagEvents: 1_000 } },
    });
    // No NATS configured: no NATS check.
    expect(Object.keys(ready.body.details).sort()).toEqual(['database', 'eventStore', 'projections']);
    const health = await get(app.api.baseUrl, '/health');
    expect(health.status).toBe(200);
    expect(health.body).toMatchObject({ status: 'ok', processRole: 'all' });
  });
});

describeEachDatabase('readiness of an api whose read models fall behind (no worker running)', (target) => {
  const app = withApp(target, { env: { PROCESS_ROLE: 'api', READY_MAX_PROJECTION_LAG_EVENTS: '10', METRICS_TOKEN: metricsToken } });

  it('turns 503 naming projections once the log is more than the bound ahead of the read models; live stays 200', async () => {
    const before = await get(app.api.baseUrl, '/health/ready');
    expect(before.status).toBe(200);
    expect(before.body.details.projections).toMatchObject({ status: 'up', maxLagEvents: 10 });

    await appendMany(storeOf(app.api), 25);
    const notReady = await eventually(async () => {
      const ready = await get(app.api.baseUrl, '/health/ready');
      return ready.status === 503 ? ready : undefined;
    }, '/health/ready to answer 503');
    expect(notReady.body).toMatchObject({
      status: 'error',
      message: 'not ready: projections',
      error: { projections: { status: 'down', message: expect.stringContaining('more than 10 events behind the log: contract-view (25)') } },
      details: { database: { status: 'up' }, eventStore: { status: 'up' } },
    });
    expect(Object.keys(notReady.body.error)).toEqual(['projections']);
    expect(await get(app.api.baseUrl, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });

    const samples = await scrape(app.api.baseUrl);
    expect(lagsOf(samples, 'escrow_projection_lag_events')).toEqual(readModels.map((readModel) => [readModel, 25]));
    expect(lagsOf(samples, 'escrow_projection_lag_seconds')!.every(([, seconds]) => seconds > 0)).toBe(true);
  });
});

describeEachDatabase('readiness with NATS configured', (target) => {
  // Nothing listens on port 1: a refused connection, at once.
  const app = withApp(target, { env: { PROCESS_ROLE: 'api', NATS_URL: 'nats://127.0.0.1:1' } });

  it('turns 503 naming nats while NATS refuses connections; live stays 200', async () => {
    const ready = await get(app.api.baseUrl, '/health/ready');
    expect(ready.status).toBe(503);
    expect(ready.body).toMatchObject({ status: 'error', message: 'not ready: nats', error: { nats: { status: 'down' } }, details: { database: { status: 'up' } } });
    expect(await get(app.api.baseUrl, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
  });

  const natsUrl = process.env.NATS_TEST_URL;
  (natsUrl ? it : it.skip)('is ready with a NATS server that answers (NATS_TEST_URL)', async () => {
    const withNats = await startApp(app.db, { env: { PROCESS_ROLE: 'api', NATS_URL: natsUrl! } });
    try {
      const ready = await get(withNats.baseUrl, '/health/ready');
      expect(ready.status).toBe(200);
      expect(ready.body.details.nats).toMatchObject({ status: 'up', rttMs: expect.any(Number) });
    } finally {
      await withNats.close();
    }
  });

  it('refuses /metrics to everyone while METRICS_TOKEN is not set', async () => {
    const refused = await get(app.api.baseUrl, '/metrics', { authorization: `Bearer ${metricsToken}` });
    expect(refused).toEqual({ status: 403, body: { statusCode: 403, error: 'Forbidden', message: 'metrics are off: set METRICS_TOKEN to serve them' } });
  });
});

describeEachDatabase('the worker process on METRICS_PORT', (target) => {
  const database = withDatabase(target);
  let worker: INestApplicationContext | null = null;
  let baseUrl = '';

  beforeAll(async () => {
    const config = loadConfig({ AUTH_SECRET: testAuthSecret, NODE_ENV: 'test', PROCESS_ROLE: 'worker', METRICS_TOKEN: metricsToken, METRICS_PORT: '0' });
    // As apps/worker/src/main.ts composes it.
    @Module({
      imports: [InfrastructureModule.forRoot({ config, db: database.db }), CqrsModule.forRoot(), WorkerModule.forRoot(), ObservabilityModule.withMetricsServer()],
    })
    class WorkerRootModule {}
    worker = await NestFactory.createApplicationContext(WorkerRootModule, { logger: ['error'] });
    baseUrl = `http://127.0.0.1:${worker.get(MetricsServerHost).port}`;
    database.onClose(async () => {
      await worker?.close();
      worker = null;
    });
  });

  it('serves /metrics behind the token, and /health/live and /health/ready', async () => {
    expect((await get(baseUrl, '/metrics')).status).toBe(401);
    expect((await get(baseUrl, '/metrics', { authorization: 'Bearer not-the-token' })).status).toBe(401);
    const samples = await eventually(async () => {
      const scraped = await scrape(baseUrl);
      return lagsOf(scraped, 'escrow_projection_lag_events')?.every(([, events]) => events === 0) ? scraped : undefined;
    }, 'the worker to report every read model caught up');
    expect(samplesOf(samples, 'escrow_saga_effects', { status: 'pending' })).toHaveLength(3);
    expect(samplesOf(samples, 'nodejs_eventloop_lag_seconds')).toHaveLength(1);

    expect(await get(baseUrl, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    const ready = await get(baseUrl, '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body).toMatchObject({ status: 'ok', details: { database: { status: 'up' }, eventStore: { status: 'up' }, projections: { status: 'up' } } });
    expect((await get(baseUrl, '/nothing-here')).status).toBe(404);
  });
});

describeEachDatabase('readiness when the database stops answering', (target) => {
  const app = withApp(target, { env: { PROCESS_ROLE: 'api' } });

  it('turns 503 naming the database while every connection is taken, live stays 200, and ready again once they are free', async () => {
    expect((await get(app.api.baseUrl, '/health/ready')).status).toBe(200);
    // Transactions that hold every connection of the app's pool (the app's own database object) until
    // released. Asked for before the probe, so they are ahead of its queries in the pool's queue even
    // where some wait (PGlite has one connection; the app keeps a PostgreSQL one for LISTEN).
    let release!: () => void;
    const released = new Promise<void>((resolve) => (release = resolve));
    let held = 0;
    const holders = Array.from({ length: poolSizeMaxDefault }, () =>
      app.db.transaction(async () => {
        held++;
        await released;
      }),
    );
    try {
      await eventually(async () => (held > 0 ? true : undefined), 'a connection to be held');
      const ready = await get(app.api.baseUrl, '/health/ready');
      expect(ready.status).toBe(503);
      expect(ready.body).toMatchObject({ status: 'error', error: { database: { status: 'down', message: 'timeout of 2000ms exceeded' } } });
      expect(ready.body.message).toMatch(/^not ready: database\b/);
      expect(await get(app.api.baseUrl, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
    } finally {
      release();
      await Promise.all(holders);
    }
    expect((await get(app.api.baseUrl, '/health/ready')).status).toBe(200);
  });
});

describeEachDatabase('metrics and readiness with the events in EventStoreDB (the EventStoreDB-compatible test server)', (target) => {
  let server: EsdbTestServer | null = null;
  let api: RunningApp;
  beforeAll(async () => {
    server = await startEsdbTestServer();
  });
  // The read models' database only; DATABASE_URL just satisfies the configuration (eventstoredb-app.e2e.spec.ts).
  const database = withDatabase(target);
  beforeAll(async () => {
    const env = { EVENT_STORE: 'eventstoredb', EVENTSTORE_URL: server!.url, DATABASE_URL: 'postgres://configuration-check-only.invalid/unused', METRICS_TOKEN: metricsToken };
    api = await startApp(database.db, { env });
    database.onClose(() => api.close());
  });
  afterAll(async () => {
    await server?.close();
  });

  it('measures appends at the port as on SQL, reports every read model caught up, and turns 503 naming eventStore once the server is gone', async () => {
    const before = await scrape(api.baseUrl);
    await lifecycle(api).hire();
    const caughtUp = await eventually(async () => {
      const samples = await scrape(api.baseUrl);
      return lagsOf(samples, 'escrow_projection_lag_events')?.every(([, events]) => events === 0) ? samples : undefined;
    }, 'every read model to catch up');
    expect(sumOf(caughtUp, appendCount, { outcome: 'appended' }) - sumOf(before, appendCount, { outcome: 'appended' })).toBeGreaterThanOrEqual(1);
    const ready = await get(api.baseUrl, '/health/ready');
    expect(ready.status).toBe(200);
    expect(ready.body.details.eventStore).toMatchObject({ status: 'up', headPosition: expect.any(String) });

    await server!.close();
    server = null;
    const notReady = await get(api.baseUrl, '/health/ready');
    expect(notReady.status).toBe(503);
    expect(notReady.body).toMatchObject({ status: 'error', error: { eventStore: { status: 'down' } }, details: { database: { status: 'up' } } });
    expect(notReady.body.message).toMatch(/^not ready: .*\beventStore\b/);
    expect(await get(api.baseUrl, '/health/live')).toEqual({ status: 200, body: { status: 'ok' } });
  });
});
