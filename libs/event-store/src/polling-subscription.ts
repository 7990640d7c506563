import type { AppendWatcher, EventFilter, ReadAllOptions, RecordedEvent, Subscription } from './event-store';

export const subscriptionBatchSizeMax = 500;
/** Fallback poll when no notification arrives (a held-back transaction, a lost LISTEN connection). */
export const subscriptionPollIntervalMs = 250;

/**
 * Wakes waiting readers when the store says something was appended. Readers pass the version
 * they saw before reading, so a notification that arrives while they read is not lost.
 */
export class AppendSignal {
  private waiters = new Set<() => void>();
  private currentVersion = 0;

  watcher(): AppendWatcher {
    let seen = this.currentVersion;
    return {
      mark: () => {
        seen = this.currentVersion;
      },
      wait: (timeoutMs) => this.wait(timeoutMs, seen),
    };
  }

  notify(): void {
    this.currentVersion++;
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  private wait(timeoutMs: number, seenVersion: number): Promise<void> {
    if (seenVersion !== this.currentVersion) return Promise.resolve();
    return new Promise((resolve) => {
      const wake = () => {
        clearTimeout(timer);
        this.waiters.delete(wake);
        resolve();
      };
      const timer = setTimeout(wake, timeoutMs);
      this.waiters.add(wake);
    });
  }
}

/**
 * Catch-up then live over `readAll`: the same query serves both, so there is no boundary at
 * which an event could be missed or seen twice. One event at a time reaches the handler, and
 * the next batch is read only when the handler has finished: memory stays bounded.
 */
export function pollingSubscription(
  readAll: (options: ReadAllOptions) => Promise<RecordedEvent[]>,
  signal: AppendSignal,
  options: { fromPosition?: string | null; filter?: EventFilter; onError?: (error: unknown) => void },
  handler: (event: RecordedEvent) => Promise<void>,
): Subscription {
  let running = true;
  let position = options.fromPosition ?? null;
  const watcher = signal.watcher();

  const loop = async () => {
    while (running) {
      watcher.mark();
      const batch = await readAll({ fromPosition: position, limit: subscriptionBatchSizeMax, filter: options.filter });
      for (const event of batch) {
        if (!running) return;
        await handler(event);
        position = event.position;
      }
      if (batch.length < subscriptionBatchSizeMax && running) await watcher.wait(subscriptionPollIntervalMs);
    }
  };

  const stopped = loop().catch((error: unknown) => {
    running = false;
    if (options.onError) options.onError(error);
    else throw error;
  });

  return {
    stopped,
    async stop() {
      running = false;
      signal.notify();
      await stopped.catch(() => undefined);
    },
  };
}
