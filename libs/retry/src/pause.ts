export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/** How a wait ended: its time passed, `wake()` ended it early, or `stop()` did. */
export type PauseEnd = 'elapsed' | 'woken' | 'stopped';

/**
 * Waits that a loop's owner can cut short: `wake()` ends the waits in progress (there is work
 * now), `stop()` ends them and every later one at once (the loop is stopping), so a stop never
 * sits out a backoff or a poll interval.
 */
export class Pause {
  private readonly waiting = new Set<(end: PauseEnd) => void>();
  private stopped = false;

  get isStopped(): boolean {
    return this.stopped;
  }

  wait(ms: number): Promise<PauseEnd> {
    if (this.stopped) return Promise.resolve('stopped');
    return new Promise((resolve) => {
      const end = (how: PauseEnd) => {
        clearTimeout(timer);
        this.waiting.delete(end);
        resolve(how);
      };
      const timer = setTimeout(() => end('elapsed'), ms);
      this.waiting.add(end);
    });
  }

  wake(): void {
    for (const end of [...this.waiting]) end('woken');
  }

  stop(): void {
    this.stopped = true;
    for (const end of [...this.waiting]) end('stopped');
  }
}
