import { Inject, Injectable, Logger, type OnApplicationBootstrap, type OnApplicationShutdown } from '@nestjs/common';
import { APP_CONFIG, METRICS_REGISTRY, type AppConfig } from '@escrow/runtime';
import type { Registry } from 'prom-client';
import { startMetricsServer, type MetricsServer } from './metrics-server';
import { Readiness } from './readiness';

/** Runs the worker's metrics server on METRICS_PORT for the life of the process (none when unset). */
@Injectable()
export class MetricsServerHost implements OnApplicationBootstrap, OnApplicationShutdown {
  private server: MetricsServer | null = null;

  constructor(
    @Inject(METRICS_REGISTRY) private readonly registry: Registry,
    @Inject(APP_CONFIG) private readonly config: AppConfig,
    private readonly readiness: Readiness,
  ) {}

  /** The port it listens on (METRICS_PORT=0 picks a free one), or null when not serving. */
  get port(): number | null {
    return this.server?.port ?? null;
  }

  async onApplicationBootstrap(): Promise<void> {
    const { metricsPort, metricsToken } = this.config.observability;
    if (metricsPort === null) return;
    this.server = await startMetricsServer({ registry: this.registry, readiness: this.readiness, metricsToken, port: metricsPort });
    new Logger('Metrics').log(`serving /metrics, /health/live and /health/ready on port ${this.server.port}`);
  }

  async onApplicationShutdown(): Promise<void> {
    await this.server?.close();
    this.server = null;
  }
}
