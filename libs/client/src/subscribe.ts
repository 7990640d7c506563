import { FeedRequestRefused, type FeedConnection, type FeedEvent, type FeedSelection } from './feed-types';
import { SseParser } from './sse-parser';

export interface SubscribeOptions extends FeedConnection, FeedSelection {
  /** Reconnect delays: full jitter between 0 and min(maxMs, initialMs · 2^attempt). */
  readonly backoff?: { readonly initialMs?: number; readonly maxMs?: number };
  /** Told about each lost connection before the client reconnects (for logs and metrics). */
  readonly onDisconnect?: (error: unknown, attempt: number, delayMs: number) => void;
}

export interface FeedSubscription {
  /** Stops after the event in hand; resolves when the handler is no longer running. */
  stop(): Promise<void>;
  /** Resolves after `stop()`; rejects with the handler's error or a `FeedRequestRefused`. */
  readonly done: Promise<void>;
  /** The position of the last event the handler completed: the caller's checkpoint. */
  lastPosition(): string | null;
}

// Its own backoff rather than @escrow/retry's: this package is published for other services and
// imports nothing from this repository.
const backoffInitialMsDefault = 250;
const backoffMaxMsDefault = 30_000;

/**
 * Follows the event feed: every event once, in log order, across disconnects. An event counts as
 * delivered when `handler` resolves; after a lost connection the client resumes after the last
 * delivered event, so a handler that persists `event.position` with its own writes (one
 * transaction) and passes it back as `from` on restart sees each event exactly once.
 *
 * A handler that throws stops the subscription (`done` rejects): that event was not delivered.
 */
export function subscribe(options: SubscribeOptions, handler: (event: FeedEvent) => Promise<void> | void): FeedSubscription {
  const fetchFn = options.fetch ?? fetch;
  const initialMs = options.backoff?.initialMs ?? backoffInitialMsDefault;
  const maxMs = options.backoff?.maxMs ?? backoffMaxMsDefault;
  const abort = new AbortController();
  let last: string | null = options.from ?? null;
  let stopping = false;

  async function connect(): Promise<void> {
    const token = typeof options.token === 'function' ? await options.token() : options.token;
    const response = await fetchFn(feedUrl(options.baseUrl, options), {
      headers: {
        accept: 'text/event-stream',
        authorization: `Bearer ${token}`,
        ...(last !== null ? { 'last-event-id': last } : {}),
      },
      signal: abort.signal,
    });
    if (response.status >= 400 && response.status < 500 && response.status !== 408 && response.status !== 429) {
      throw new FeedRequestRefused(response.status, await response.text());
    }
    if (response.status !== 200 || !response.body) throw new Error(`event feed answered HTTP ${response.status}`);
    return consume(response.body);
  }

  async function consume(body: ReadableStream<Uint8Array>): Promise<void> {
    const parser = new SseParser();
    const decoder = new TextDecoder();
    // One event at a time: the next chunk is read only after the handler finished, so a slow
    // handler slows the connection instead of growing a buffer here.
    for await (const chunk of body as unknown as AsyncIterable<Uint8Array>) {
      for (const message of parser.push(decoder.decode(chunk, { stream: true }))) {
        if (stopping) return;
        if (message.id === null) continue;
        const event = parseEvent(message.data);
        // The server never repeats an event; this guards a consumer against a misbehaving proxy replaying one.
        if (last !== null && !isAfter(event.position, last)) continue;
        try {
          await handler(event);
        } catch (error) {
          throw new HandlerFailed(error);
        }
        last = event.position;
        attempt = 0;
      }
    }
    throw new Error('event feed connection ended');
  }

  let attempt = 0;
  const done = (async () => {
    while (!stopping) {
      try {
        await connect();
      } catch (error) {
        if (stopping) return;
        if (error instanceof HandlerFailed) throw error.cause;
        if (error instanceof FeedRequestRefused || error instanceof MalformedEvent) throw error;
        const delayMs = Math.round(Math.random() * Math.min(maxMs, initialMs * 2 ** attempt));
        attempt++;
        options.onDisconnect?.(error, attempt, delayMs);
        await sleep(delayMs, abort.signal);
      }
    }
  })();

  return {
    async stop() {
      stopping = true;
      abort.abort();
      await done.catch(() => undefined);
    },
    done,
    lastPosition: () => last,
  };
}

export function feedUrl(baseUrl: string, selection: FeedSelection, path = '/v1/events'): string {
  const url = new URL(path, baseUrl);
  if (selection.types?.length) url.searchParams.set('types', selection.types.join(','));
  if (selection.contractId !== undefined) url.searchParams.set('contractId', selection.contractId);
  return url.toString();
}

/** Positions are fixed-width and ordered as strings; of different widths they come from different stores. */
function isAfter(position: string, last: string): boolean {
  return position.length !== last.length || position > last;
}

function sleep(ms: number, signal: AbortSignal): Promise<void> {
  return new Promise((resolve) => {
    const timer = setTimeout(resolve, ms);
    signal.addEventListener('abort', () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });
}

function parseEvent(data: string): FeedEvent {
  let event: unknown;
  try {
    event = JSON.parse(data);
  } catch {
    throw new MalformedEvent(data);
  }
  if (typeof event !== 'object' || event === null || typeof (event as FeedEvent).position !== 'string' || typeof (event as FeedEvent).type !== 'string') {
    throw new MalformedEvent(data);
  }
  return event as FeedEvent;
}

/** Not a feed message: a protocol error that retrying would only repeat. */
export class MalformedEvent extends Error {
  constructor(data: string) {
    super(`event feed sent a message that is not a feed event: ${data.slice(0, 200)}`);
    this.name = 'MalformedEvent';
  }
}

/** Carries the handler's own error out of the connection loop, which retries everything else. */
class HandlerFailed extends Error {
  constructor(override readonly cause: unknown) {
    super('handler failed');
  }
}
