// autocannon ships no types: the few options and result fields this bench uses.
export interface LoadOptions {
  readonly url: string;
  readonly method?: 'GET' | 'POST';
  readonly headers?: Record<string, string>;
  readonly body?: string;
  readonly connections: number;
  readonly duration: number;
  /** Requests per second over all connections; latencies are then corrected for coordinated omission. */
  readonly overallRate?: number;
}

interface Histogram {
  readonly average: number;
  readonly p50: number;
  readonly p99: number;
  readonly max: number;
}

export interface LoadResult {
  readonly requests: Histogram & { readonly total: number };
  readonly latency: Histogram;
  readonly non2xx: number;
  readonly errors: number;
  readonly timeouts: number;
  readonly duration: number;
  readonly statusCodeStats?: Record<string, { count: number }>;
}

// eslint-disable-next-line @typescript-eslint/no-require-imports
const autocannon = require('autocannon') as (options: LoadOptions) => Promise<LoadResult>;

/** One autocannon run; refuses a run with errors or non-2xx answers (its figures would mean nothing). */
export async function load(options: LoadOptions): Promise<LoadResult> {
  const result = await autocannon(options);
  if (result.non2xx > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(
      `${options.method ?? 'GET'} ${options.url}: ${result.non2xx} non-2xx (${JSON.stringify(result.statusCodeStats ?? {})}), ${result.errors} errors, ${result.timeouts} timeouts in ${result.requests.total} requests`,
    );
  }
  return result;
}
