import { mintToken } from '../../apps/api/src/auth/tokens';
import { BenchChild } from './bench-child';
import type { BenchDatabase } from './bench-database';
import type { BenchReport } from './bench-report';
import { appChildEnv, httpBenchSecret, type AppChildConfig, type AppChildOp, type LoopDelay, type QueryCounts } from './http/app-protocol';
import { load, type LoadResult } from './http/autocannon-run';

/** The aims for the HTTP api (PostgreSQL, simulated payments, api and worker in one process). */
export const httpTargets = {
  commandsPerSecond: 2_000,
  fixedRate: 500,
  fixedRateP99Ms: 25,
  readsPerSecond: 3_000,
} as const;

export interface HttpBenchOptions {
  readonly durationSeconds: number;
  readonly connections: number;
  /** Also print the statements one hire costs (BENCH_COUNT_QUERIES=1; slows the app a little). */
  readonly countQueries: boolean;
}

interface Phase {
  readonly name: string;
  readonly result: LoadResult;
  readonly loopDelay: LoopDelay;
}

const hireBody = (trainerId: string) => JSON.stringify({ projectName: 'Bench', trainerId, firstMilestone: { name: 'M', amount: '150.00' } });

/**
 * autocannon against the app in a process of its own (PROCESS_ROLE=all, as `npm start` runs):
 * hires (a command: a new contract stream, its events, the read models and saga behind it) at
 * `connections` connections, then hires at a fixed 500 requests/s, then one contract read at
 * `connections` connections; the app's event-loop delay over each phase.
 */
export async function httpBench(where: BenchDatabase, options: HttpBenchOptions): Promise<BenchReport> {
  const config: AppChildConfig = { where, processRole: 'all', countQueries: options.countQueries };
  // BENCH_CPU_PROF=<dir>: the app process writes a V8 CPU profile there when it exits.
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${process.env.BENCH_CPU_PROF}`] : [];
  const app = await BenchChild.start<AppChildOp, object>(require.resolve('./http/app-child'), { [appChildEnv]: JSON.stringify(config) }, profile);
  try {
    const employer = mintToken(httpBenchSecret, { role: 'employer', id: 'emp_http' });
    const trainer = mintToken(httpBenchSecret, { role: 'trainer', id: 'tr_http' });
    const headers = (token: string) => ({ authorization: `Bearer ${token}`, 'content-type': 'application/json' });
    const post = async (path: string, token: string, body: unknown) => {
      const response = await fetch(`${app.baseUrl}${path}`, { method: 'POST', headers: headers(token), body: JSON.stringify(body) });
      if (response.status >= 300) throw new Error(`POST ${path} → ${response.status} ${await response.text()}`);
      return response.json() as Promise<Record<string, string>>;
    };
    await post('/v1/employers/emp_http/payment-method', employer, { paymentMethodId: 'pm_card_visa' });
    await post('/v1/trainers/tr_http/payout-account', trainer, {});
    const { contractId } = await post('/v1/contracts', employer, JSON.parse(hireBody('tr_http')));

    const phase = async (name: string, run: () => Promise<LoadResult>): Promise<Phase> => {
      await app.call('queries');
      await app.call('loopDelayStart');
      const result = await run();
      const done: Phase = { name, result, loopDelay: await app.call<LoopDelay>('loopDelayStop') };
      if (options.countQueries) printQueryCounts(name, result.requests.total, await app.call<QueryCounts>('queries'));
      return done;
    };
    const hires = { url: `${app.baseUrl}/v1/contracts`, method: 'POST' as const, headers: headers(employer), body: hireBody('tr_http') };
    // Warm-up: JIT, connection pools, the read models' first batches.
    await load({ ...hires, connections: options.connections, duration: 3 });
    const phases = [
      await phase(`hire (command), ${options.connections} connections`, () => load({ ...hires, connections: options.connections, duration: options.durationSeconds })),
      await phase(`hire (command), fixed ${httpTargets.fixedRate} req/s`, () =>
        load({ ...hires, connections: 64, duration: options.durationSeconds, overallRate: httpTargets.fixedRate }),
      ),
      await phase(`GET contract, ${options.connections} connections`, () =>
        load({ url: `${app.baseUrl}/v1/contracts/${contractId}`, headers: headers(employer), connections: options.connections, duration: options.durationSeconds }),
      ),
    ];
    return httpReport(phases);
  } finally {
    await app.close();
  }
}

function httpReport(phases: Phase[]): BenchReport {
  const [commands, fixed, reads] = phases as [Phase, Phase, Phase];
  const perSecond = (phase: Phase) => Math.round(phase.result.requests.total / phase.result.duration);
  return {
    rows: phases.map((phase) => [`HTTP ${phase.name}`, `${perSecond(phase)} req/s`, `${phase.result.latency.p50}`, `${phase.result.latency.p99}`]),
    notes: phases.map(
      (phase) =>
        `HTTP ${phase.name}: ${phase.result.requests.total} requests in ${phase.result.duration.toFixed(1)} s; app event-loop delay p50 ${phase.loopDelay.p50Ms} ms, p99 ${phase.loopDelay.p99Ms} ms, max ${phase.loopDelay.maxMs} ms`,
    ),
    verdicts: [
      { target: `commands ≥ ${httpTargets.commandsPerSecond}/s`, measured: `${perSecond(commands)} req/s`, met: perSecond(commands) >= httpTargets.commandsPerSecond },
      {
        target: `command p99 ≤ ${httpTargets.fixedRateP99Ms} ms at ${httpTargets.fixedRate} req/s`,
        measured: `${fixed.result.latency.p99} ms at ${perSecond(fixed)} req/s`,
        met: fixed.result.latency.p99 <= httpTargets.fixedRateP99Ms && perSecond(fixed) >= httpTargets.fixedRate * 0.95,
      },
      { target: `GET ≥ ${httpTargets.readsPerSecond}/s`, measured: `${perSecond(reads)} req/s`, met: perSecond(reads) >= httpTargets.readsPerSecond },
    ],
  };
}

function printQueryCounts(phase: string, requests: number, counts: QueryCounts): void {
  const per = (n: number) => (n / requests).toFixed(2);
  console.log(`${phase}: per request ${per(counts.transactions)} transactions, ${per(counts.statements.reduce((sum, [, n]) => sum + n, 0))} statements:`);
  for (const [sql, n] of counts.statements.slice(0, 25)) console.log(`  ${per(n).padStart(6)}  ${sql}`);
}
