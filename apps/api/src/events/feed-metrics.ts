import { Inject, Injectable } from '@nestjs/common';
import { METRICS_REGISTRY, metricsPrefix } from '@escrow/runtime';
import { Counter, Gauge, type Registry } from 'prom-client';
import { EventFeed } from './event-feed';

/** The event feed's open SSE subscribers and slow-client disconnects, read from the feed at scrape time. */
@Injectable()
export class FeedMetrics {
  constructor(@Inject(METRICS_REGISTRY) registry: Registry, feed: EventFeed) {
    new Gauge({
      name: `${metricsPrefix}feed_subscribers`,
      help: 'Open subscribers of the event feed (GET /v1/events)',
      registers: [registry],
      collect() {
        this.set(feed.stats().subscribers);
      },
    });
    // A counter (rate() and restarts work as Prometheus expects), brought up to the feed's own count at each scrape.
    let reported = 0;
    new Counter({
      name: `${metricsPrefix}feed_slow_disconnects_total`,
      help: 'Feed subscribers disconnected for not reading (FEED_SLOW_CLIENT_TIMEOUT_MS)',
      registers: [registry],
      collect() {
        const dropped = feed.stats().droppedSlow;
        this.inc(dropped - reported);
        reported = dropped;
      },
    });
  }
}
