import { Inject, Injectable, ServiceUnavailableException } from '@nestjs/common';
import { HealthCheckService, HealthIndicatorService, type HealthCheckResult, type HealthIndicatorFunction } from '@nestjs/terminus';
import type { EventStore } from '@escrow/event-store';
import { APP_CONFIG, EVENT_STORE, SQL_DB, type AppConfig } from '@escrow/runtime';
import type { SqlDb } from '@escrow/sql';
import { connect } from '@nats-io/transport-node';
import { ScrapeGauges } from './scrape-gauges';

/** Each dependency answers within this, or counts as down: a probe must not hang on a dead server. */
export const readinessCheckTimeoutMs = 2_000;

export interface ReadinessReport {
  readonly ready: boolean;
  /** The checks that failed, by name (`database`, `eventStore`, `nats`, `projections`). */
  readonly failing: readonly string[];
  readonly result: HealthCheckResult;
}

/**
 * Whether this process should get traffic (`GET /health/ready`): the database and the event store
 * answer, NATS accepts a connection when configured, and no read model is further behind the
 * log than READY_MAX_PROJECTION_LAG_EVENTS (reads would be stale, and read-your-writes waits
 * would time out). Liveness checks none of this: a database outage must not restart every pod.
 */
@Injectable()
export class Readiness {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicators: HealthIndicatorService,
    private readonly gauges: ScrapeGauges,
    @Inject(SQL_DB) private readonly db: SqlDb,
    @Inject(EVENT_STORE) private readonly store: EventStore,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
  ) {}

  async check(): Promise<ReadinessReport> {
    const checks: HealthIndicatorFunction[] = [
      () => this.indicators.check('database').attempt(() => this.db.query('select 1').then(() => undefined)).withTimeout(readinessCheckTimeoutMs),
      () =>
        this.indicators
          .check('eventStore')
          .attempt(async () => ({ headPosition: await this.store.headPosition() }))
          .withTimeout(readinessCheckTimeoutMs),
      ...(this.config.nats ? [() => this.natsCheck(this.config.nats!.url)] : []),
      () => this.projectionsCheck(),
    ];
    try {
      const result = await this.health.check(checks);
      return { ready: true, failing: [], result };
    } catch (error) {
      if (!(error instanceof ServiceUnavailableException)) throw error;
      const result = error.getResponse() as HealthCheckResult;
      return { ready: false, failing: Object.keys(result.error ?? {}), result };
    }
  }

  private natsCheck(url: string) {
    return this.indicators
      .check('nats')
      .attempt(async () => {
        const connection = await connect({
          servers: url.split(',').map((server) => server.trim()),
          name: 'escrow-readiness',
          timeout: readinessCheckTimeoutMs,
          reconnect: false,
        });
        const rttMs = await connection.rtt();
        await connection.close();
        return { rttMs };
      })
      .withTimeout(readinessCheckTimeoutMs);
  }

  /** Timed like the others: with the database stuck, the lag read would wait as long as it does. */
  private projectionsCheck() {
    const maxLagEvents = this.config.observability.readyMaxProjectionLagEvents;
    return this.indicators
      .check('projections')
      .attempt(async () => {
        const lags = await this.gauges.readModelLags();
        const behind = lags.filter((lag) => lag.events > maxLagEvents);
        if (behind.length > 0) {
          throw new Error(`read models more than ${maxLagEvents} events behind the log: ${behind.map((lag) => `${lag.readModel} (${lag.events})`).join(', ')}`);
        }
        return { maxLagEvents, lagEvents: Object.fromEntries(lags.map((lag) => [lag.readModel, lag.events])) };
      })
      .withTimeout(readinessCheckTimeoutMs);
  }
}
