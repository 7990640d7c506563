import { Inject, Injectable } from '@nestjs/common';
import type { EventStore } from '@escrow/event-store';
import { projections } from '@escrow/projections/registry';
import { EVENT_STORE, METRICS_REGISTRY, metricsPrefix, SQL_DB } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { Gauge, type Registry } from 'prom-client';
import { readModelLags, type ReadModelLag } from './projection-lag';
import { workQueueDepths, type WorkQueueDepths } from './work-queues';

const readModelNames = projections.map((projection) => projection.name);

/**
 * The gauges that need a query, computed when Prometheus scrapes (`collect`), never on a timer:
 * an unscraped process does no work for them. Each scrape reads the checkpoints and the queue
 * counts once and shares the answer between the gauges (and a readiness check running meanwhile).
 */
@Injectable()
export class ScrapeGauges {
  /** prom-client collects every gauge of a scrape at once: they share the read in flight, and the next scrape reads anew. */
  private readonly sharedLags = sharedWhileInFlight(() => readModelLags(this.db, this.store, readModelNames, Date.now()));
  private readonly sharedDepths = sharedWhileInFlight(() => workQueueDepths(this.db));

  constructor(
    @Inject(METRICS_REGISTRY) registry: Registry,
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(EVENT_STORE) private readonly store: EventStore,
  ) {
    this.register(registry);
  }

  /** The lag of every read model, read now (or by the read in flight): also for readiness. */
  readModelLags(): Promise<ReadModelLag[]> {
    return this.sharedLags();
  }

  private register(registry: Registry): void {
    const gauges = this;
    new Gauge({
      name: `${metricsPrefix}projection_lag_events`,
      help: 'Events of the log a read model has not applied yet (counted up to 5000)',
      labelNames: ['read_model'],
      registers: [registry],
      async collect() {
        for (const lag of await gauges.sharedLags()) this.set({ read_model: lag.readModel }, lag.events);
      },
    });
    new Gauge({
      name: `${metricsPrefix}projection_lag_seconds`,
      help: 'Age of the oldest event a read model has not applied yet; 0 when caught up',
      labelNames: ['read_model'],
      registers: [registry],
      async collect() {
        for (const lag of await gauges.sharedLags()) this.set({ read_model: lag.readModel }, lag.seconds);
      },
    });
    new Gauge({
      name: `${metricsPrefix}saga_effects`,
      help: 'Payment effects (provider calls the saga owes) by kind and status: pending, done, dead (given up, see /v1/admin/payments/stuck)',
      labelNames: ['kind', 'status'],
      registers: [registry],
      async collect() {
        for (const row of (await gauges.sharedDepths()).sagaEffects) this.set({ kind: row.kind, status: row.status }, row.count);
      },
    });
    new Gauge({
      name: `${metricsPrefix}saga_dead_letters`,
      help: 'Payment outcomes a contract refused, not yet resolved by support',
      registers: [registry],
      async collect() {
        this.set((await gauges.sharedDepths()).deadLetters);
      },
    });
    new Gauge({
      name: `${metricsPrefix}webhook_inbox_depth`,
      help: 'Stripe webhook deliveries recorded and not yet applied, by status (pending, failed: waiting for a retry)',
      labelNames: ['status'],
      registers: [registry],
      async collect() {
        for (const row of (await gauges.sharedDepths()).webhookInbox) this.set({ status: row.status }, row.count);
      },
    });
    new Gauge({
      name: `${metricsPrefix}auto_release_steps_given_up`,
      help: 'Auto-release steps (releases, reminders) given up on, waiting for support',
      registers: [registry],
      async collect() {
        this.set((await gauges.sharedDepths()).autoReleaseGivenUp);
      },
    });
  }
}

/** One call of `read` at a time: callers while it runs get its answer; the first caller after it settles starts another. */
function sharedWhileInFlight<T>(read: () => Promise<T>): () => Promise<T> {
  let inFlight: Promise<T> | null = null;
  return () => {
    inFlight ??= read().finally(() => {
      inFlight = null;
    });
    return inFlight;
  };
}
