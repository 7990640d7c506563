/** CLOCK_MONOTONIC is one clock for every process on the machine: the api's times and the bench's compare. */
export const monotonicMs = () => Number(process.hrtime.bigint()) / 1e6;
export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

const pollIntervalMs = 50;

/** Polls `done` until it holds (true) or `timeoutMs` has passed (false). */
export async function until(done: () => Promise<boolean>, timeoutMs: number): Promise<boolean> {
  const deadline = monotonicMs() + timeoutMs;
  while (monotonicMs() < deadline) {
    if (await done()) return true;
    await sleep(pollIntervalMs);
  }
  return false;
}
