/**
 * How a retry waits longer after each failure, with jitter so that many parties failing together
 * do not come back together.
 * - `proportional`: ±20 % around the exponential delay, rounded to whole milliseconds. For retries
 *   that should keep their pace: payments, payout retries, webhooks, the NATS relay.
 * - `full`: anywhere from 0 up to the exponential delay ("full jitter"). For writers racing on
 *   one stream, which must spread out as much as possible to stop colliding.
 */
export type Jitter = 'proportional' | 'full';

export interface Backoff {
  /** The delay after the first failure, before jitter. */
  readonly baseMs: number;
  /** The longest delay, before jitter: doubling stops here. */
  readonly capMs: number;
  readonly jitter: Jitter;
}

/**
 * The wait after failed attempt `attempt` (1-based): min(cap, base × 2^(attempt-1)), jittered.
 * `random` (in [0, 1)) is injectable so that tests can pin the jitter.
 */
export function backoffMs(backoff: Backoff, attempt: number, random: () => number = Math.random): number {
  const exponential = Math.min(backoff.capMs, backoff.baseMs * 2 ** Math.max(0, attempt - 1));
  if (backoff.jitter === 'full') return random() * exponential;
  return Math.round(exponential * (0.8 + random() * 0.4));
}
