import type { EventFilter, ReadAllOptions, RecordedEvent, Subscription } from './event-store';

export const subscriptionBatchSizeMax = 500;
/** Fallback poll when no notification arrives (a held-back transaction, a lost LISTEN connection). */
export const subscriptionPollIntervalMs = 250;

/** Wakes waiting readers when the store says something was appended. */
export class AppendSignal {
  private waiters = new Set<() => void>();

  notify(): void {
    const waiters = this.waiters;
    this.waiters = new Set();
    for (const wake of waiters) wake();
  }

  wait(timeoutMs: number): Promise<void> {
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

  const loop = async () => {
    while (running) {
      const batch = await readAll({ fromPosition: position, limit: subscriptionBatchSizeMax, filter: options.filter });
      for (const event of batch) {
        if (!running) return;
        await handler(event);
        position = event.position;
      }
      if (batch.length < subscriptionBatchSizeMax && running) await signal.wait(subscriptionPollIntervalMs);
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
