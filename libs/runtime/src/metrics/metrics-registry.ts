import { collectDefaultMetrics, Registry } from 'prom-client';

/** The app instance's Prometheus registry (`prom-client`), injected where metrics are registered. */
export const METRICS_REGISTRY = Symbol('METRICS_REGISTRY');

/** Every metric of ours starts with this; Node's default metrics keep their usual names. */
export const metricsPrefix = 'escrow_';

/**
 * A registry of its own per app instance, never prom-client's global one: tests start several
 * apps in one process, and each must count only its own requests and appends (a second app
 * registering the same name on the global registry would also throw).
 * The default metrics add process CPU, memory, GC and `nodejs_eventloop_lag_seconds`.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry });
  return registry;
}
