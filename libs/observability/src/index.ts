export { ObservabilityModule } from './observability.module';
export { MetricsServerHost } from './metrics-server.host';
export { Readiness, readinessCheckTimeoutMs, type ReadinessReport } from './readiness';
export { ScrapeGauges } from './scrape-gauges';
export { readModelLags, type ReadModelLag } from './projection-lag';
export { workQueueDepths, type WorkQueueDepths } from './work-queues';
export { metricsRefusal, type MetricsRefusal } from './metrics-token';
export { readinessBody, startMetricsServer, type MetricsServer, type MetricsServerOptions } from './metrics-server';
