import { Module, type DynamicModule } from '@nestjs/common';
import { TerminusModule } from '@nestjs/terminus';
import { MetricsServerHost } from './metrics-server.host';
import { Readiness } from './readiness';
import { ScrapeGauges } from './scrape-gauges';

/**
 * What the api and the worker both expose about themselves: the gauges computed at scrape
 * time and the readiness checks. Each process imports it once (the api also for
 * PROCESS_ROLE=all, where the worker runs inside it and the api's routes serve both).
 */
@Module({
  imports: [TerminusModule.forRoot()],
  providers: [ScrapeGauges, Readiness],
  exports: [ScrapeGauges, Readiness],
})
export class ObservabilityModule {
  /** For a process without the api's HTTP server (the worker): the same routes on METRICS_PORT. */
  static withMetricsServer(): DynamicModule {
    return { module: ObservabilityModule, providers: [MetricsServerHost], exports: [MetricsServerHost] };
  }
}
