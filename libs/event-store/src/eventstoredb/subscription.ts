import type { AllStreamResolvedEvent } from '@eventstore/db-client';
import { comparePositions, type RecordedEvent, type Subscription } from '../event-store';

/** What we use of the client's `$all` subscription: a readable of resolved events. */
export interface SubscriptionSource extends AsyncIterable<AllStreamResolvedEvent> {
  unsubscribe(): Promise<void>;
  destroy(): void;
}

export interface SubscriptionOptions {
  readonly fromPosition?: string | null;
  readonly onError?: (error: unknown) => void;
}

/**
 * The port's subscription over ESDB's own catch-up subscription to `$all`: the server reads the
 * log from the position, then switches to live (and back to catching up when we fall behind),
 * in log order, each event once. One event at a time reaches the handler; the next is pulled
 * only when it has finished, and gRPC flow control holds the server back meanwhile.
 *
 * `position` encodes an event's position; `toEvent` maps it, or answers null for an event the
 * client-side part of the filter (event types) leaves out. Events at or before `fromPosition`
 * are skipped, so the start is exclusive whatever the server does with it.
 */
export function runSubscription(
  openSource: () => SubscriptionSource,
  position: (resolved: AllStreamResolvedEvent) => string,
  toEvent: (resolved: AllStreamResolvedEvent) => RecordedEvent | null,
  options: SubscriptionOptions,
  handler: (event: RecordedEvent) => Promise<void>,
): Subscription {
  let stopping = false;
  let source: SubscriptionSource | null = null;
  let last = options.fromPosition ?? null;

  const consume = async () => {
    source = openSource();
    try {
      for await (const resolved of source) {
        if (stopping) return;
        const at = position(resolved);
        if (comparePositions(at, last) <= 0) continue;
        last = at;
        const event = toEvent(resolved);
        if (event) await handler(event);
      }
    } catch (error) {
      // stop() tears the stream down under the loop; that is not a failure.
      if (stopping) return;
      throw error;
    } finally {
      await source.unsubscribe().catch(() => undefined);
    }
    if (!stopping) throw new Error('the subscription to $all ended without being stopped');
  };

  const stopped = consume().catch((error: unknown) => {
    stopping = true;
    if (options.onError) options.onError(error);
    else throw error;
  });

  return {
    stopped,
    async stop() {
      stopping = true;
      // Wakes a loop waiting for the next live event; a handler in hand runs to its end.
      const open = source as SubscriptionSource | null;
      if (open) {
        await open.unsubscribe().catch(() => undefined);
        open.destroy();
      }
      await stopped.catch(() => undefined);
    },
  };
}

/** For a filter no stream of this store can match: never delivers, stops when asked. */
export function idleSubscription(): Subscription {
  let release!: () => void;
  const stopped = new Promise<void>((resolve) => (release = resolve));
  return {
    stopped,
    async stop() {
      release();
      await stopped;
    },
  };
}
