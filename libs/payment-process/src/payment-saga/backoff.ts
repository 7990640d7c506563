/** Exponential backoff with ±20% jitter, so retries from many milestones do not arrive together. */
export function backoffMs(attempt: number, baseMs: number, capMs: number, random: () => number = Math.random): number {
  const exponential = Math.min(capMs, baseMs * 2 ** Math.max(0, attempt - 1));
  const jitter = 0.8 + random() * 0.4;
  return Math.round(exponential * jitter);
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
