export { METRICS_REGISTRY, createMetricsRegistry, metricsPrefix } from './metrics-registry';
export { eventStoreMetrics } from './event-store-metrics';
