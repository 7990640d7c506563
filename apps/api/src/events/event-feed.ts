import { Inject, Injectable, Logger, type OnModuleDestroy } from '@nestjs/common';
import { toFeedMessage, type EventStore, type RecordedEvent, type Subscription } from '@escrow/event-store';
import { APP_CONFIG, EVENT_STORE, type AppConfig } from '@escrow/runtime';
import type { Response } from 'express';
import type { FeedRequest } from './feed-query';
import { sseComment, sseEvent, sseRetry } from './sse';

/** What a browser's EventSource waits before reconnecting after the stream ends. */
export const reconnectHintMs = 1_000;

class SlowSubscriber extends Error {
  constructor(readonly waitedMs: number) {
    super(`subscriber did not read for ${waitedMs} ms`);
  }
}

class SubscriberGone extends Error {}

interface OpenStream {
  readonly response: Response;
  readonly subscription: Subscription;
  readonly heartbeat: NodeJS.Timeout;
}

/**
 * The live side of `GET /v1/events`. Each subscriber has its own store subscription (catch-up
 * then live, every event once in log order), and the handler awaits the socket: an event is
 * read from the store only when the previous one was taken by the kernel. So per subscriber at
 * most one store batch and the socket's buffer are held; a subscriber that stops reading for
 * `slowClientTimeoutMs` is disconnected and resumes from its last id when it reconnects.
 */
@Injectable()
export class EventFeed implements OnModuleDestroy {
  private readonly logger = new Logger('EventFeed');
  private readonly streams = new Set<OpenStream>();
  private droppedSlow = 0;

  constructor(
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  /** Open subscribers and how many were disconnected for not reading (for /health and tests). */
  stats(): { subscribers: number; droppedSlow: number } {
    return { subscribers: this.streams.size, droppedSlow: this.droppedSlow };
  }

  open(request: FeedRequest, response: Response): void {
    response.status(200);
    response.set({
      'content-type': 'text/event-stream; charset=utf-8',
      'cache-control': 'no-cache, no-transform',
      connection: 'keep-alive',
      // Proxies such as nginx would otherwise buffer the stream.
      'x-accel-buffering': 'no',
    });
    response.flushHeaders();
    response.write(sseRetry(reconnectHintMs));

    const { heartbeatMs, slowClientTimeoutMs } = this.config.feed;
    const subscription = this.store.subscribe(
      {
        fromPosition: request.from,
        filter: request.filter,
        onError: (error) => this.ended(stream, error),
      },
      async (event: RecordedEvent) => {
        if (request.stream !== null && event.streamId !== request.stream) return;
        await this.send(response, sseEvent(event.position, event.type, toFeedMessage(event)), slowClientTimeoutMs);
      },
    );
    const heartbeat = setInterval(() => {
      // A blocked socket needs no keep-alive, and writing more would grow its buffer.
      if (!response.writableNeedDrain) response.write(sseComment('heartbeat'));
    }, heartbeatMs);
    const stream: OpenStream = { response, subscription, heartbeat };
    this.streams.add(stream);
    response.on('close', () => void this.close(stream));
  }

  async onModuleDestroy(): Promise<void> {
    await Promise.all([...this.streams].map((stream) => this.close(stream)));
  }

  private async send(response: Response, chunk: string, timeoutMs: number): Promise<void> {
    if (response.destroyed) throw new SubscriberGone();
    if (response.write(chunk)) return;
    await new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => finish(new SlowSubscriber(timeoutMs)), timeoutMs);
      const onDrain = () => finish();
      const onClose = () => finish(new SubscriberGone());
      function finish(error?: Error) {
        clearTimeout(timer);
        response.off('drain', onDrain);
        response.off('close', onClose);
        if (error) reject(error);
        else resolve();
      }
      response.on('drain', onDrain);
      response.on('close', onClose);
    });
  }

  private ended(stream: OpenStream, error: unknown): void {
    if (error instanceof SlowSubscriber) {
      this.droppedSlow++;
      this.logger.warn(`${error.message}: disconnected (it resumes from its last event id)`);
    } else if (!(error instanceof SubscriberGone)) {
      this.logger.error(`feed subscription failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
    }
    // Unsent bytes of a slow subscriber are dropped with the socket, not kept.
    stream.response.destroy();
  }

  private async close(stream: OpenStream): Promise<void> {
    if (!this.streams.delete(stream)) return;
    clearInterval(stream.heartbeat);
    if (!stream.response.destroyed) stream.response.end();
    await stream.subscription.stop();
  }
}
