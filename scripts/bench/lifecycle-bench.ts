import type { SqlDb } from '@escrow/sql';
import { loadConfig } from '@escrow/runtime';
import type { AddressInfo } from 'node:net';
import { createApp } from '../../apps/api/src/app';
import { mintToken } from '../../apps/api/src/auth/tokens';
import { summarize, type LatencySummary } from './stats';

const secret = 'bench-secret-bench-secret-bench-secret-0123';
const pollMs = 20;
const lifecycleTimeoutMs = 30_000;

export interface LifecycleResult extends LatencySummary {
  readonly lifecycles: number;
  readonly concurrency: number;
  readonly lifecyclesPerSecond: number;
  /** Where a lifecycle's time goes: from each event of a contract to the next, as the log recorded them. */
  readonly steps: readonly LifecycleStep[];
}

export interface LifecycleStep {
  readonly step: string;
  readonly p50Ms: number;
  readonly p99Ms: number;
}

/**
 * The time between consecutive events of each contract (`recorded_at`: the start of the appending
 * transaction), by pair of types, slowest first. A saga hop (funding requested → funded) is the
 * reader's wait, the saga and the payment call; a client hop (funded → approval requested) is the
 * read models' lag plus the client's poll.
 */
async function stepGaps(db: SqlDb): Promise<LifecycleStep[]> {
  const { rows } = await db.query<{ step: string; p50: string; p99: string }>(
    `with gaps as (
       select lag(event_type) over w || ' → ' || event_type as step, recorded_at - lag(recorded_at) over w as gap
       from es_events where stream_id like 'contract-%'
       window w as (partition by stream_id order by stream_revision))
     select step, round(extract(epoch from percentile_cont(0.5) within group (order by gap)) * 1000)::text as p50,
            round(extract(epoch from percentile_cont(0.99) within group (order by gap)) * 1000)::text as p99
     from gaps where step is not null group by step order by percentile_cont(0.5) within group (order by gap) desc`,
  );
  return rows.map((row) => ({ step: row.step, p50Ms: Number(row.p50), p99Ms: Number(row.p99) }));
}

/** Full lifecycles through HTTP: hire → fund → funded → request approval → approve → paid. */
export async function lifecycleBench(db: SqlDb, lifecycles: number, concurrency: number): Promise<LifecycleResult> {
  const config = loadConfig({ AUTH_SECRET: secret, NODE_ENV: 'test' });
  const app = await createApp({ config, db, log: { level: 'error' } });
  await app.listen(0, '127.0.0.1');
  const base = `http://127.0.0.1:${(app.getHttpServer().address() as AddressInfo).port}`;
  const employer = mintToken(secret, { role: 'employer', id: 'emp_bench' });
  const trainer = mintToken(secret, { role: 'trainer', id: 'tr_bench' });
  const call = async (method: string, path: string, token: string, body?: unknown) => {
    const response = await fetch(`${base}${path}`, {
      method,
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    if (response.status >= 300) throw new Error(`${method} ${path} → ${response.status} ${await response.text()}`);
    return response.json() as Promise<any>;
  };
  const waitFor = async (cid: string, status: string) => {
    const deadline = Date.now() + lifecycleTimeoutMs;
    while (Date.now() < deadline) {
      const view = await call('GET', `/v1/contracts/${cid}`, employer);
      if (view.milestones[0].status === status) return;
      await new Promise((resolve) => setTimeout(resolve, pollMs));
    }
    throw new Error(`contract ${cid} never reached ${status}`);
  };

  await call('POST', '/v1/employers/emp_bench/payment-method', employer, { paymentMethodId: 'pm_card_visa' });
  await call('POST', '/v1/trainers/tr_bench/payout-account', trainer, {});
  const one = async () => {
    const t0 = process.hrtime.bigint();
    const { contractId: cid, milestoneId: mid } = await call('POST', '/v1/contracts', employer, {
      projectName: 'Bench', trainerId: 'tr_bench', firstMilestone: { name: 'M', amount: '150.00' },
    });
    await call('POST', `/v1/contracts/${cid}/milestones/${mid}/fund`, employer, {});
    await waitFor(cid, 'funded');
    await call('POST', `/v1/contracts/${cid}/milestones/${mid}/request-approval`, trainer, {});
    await call('POST', `/v1/contracts/${cid}/milestones/${mid}/approve`, employer, {});
    await waitFor(cid, 'paid');
    return Number(process.hrtime.bigint() - t0) / 1e6;
  };

  const latenciesMs: number[] = [];
  let next = 0;
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: concurrency }, async () => {
      while (next < lifecycles) {
        next++;
        latenciesMs.push(await one());
      }
    }),
  );
  const elapsedMs = Number(process.hrtime.bigint() - started) / 1e6;
  await app.close();
  const steps = await stepGaps(db);
  return {
    steps,
    lifecycles,
    concurrency,
    lifecyclesPerSecond: Math.round((lifecycles * 100_000) / elapsedMs) / 100,
    ...summarize(latenciesMs),
  };
}
