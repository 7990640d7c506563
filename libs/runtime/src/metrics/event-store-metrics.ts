import type { AppendObserver } from '@escrow/event-store';
import { Counter, Histogram, type Registry } from 'prom-client';
import { metricsPrefix } from './metrics-registry';

/** An append is one server round trip and a commit: milliseconds, seconds when something is wrong. */
const appendDurationBucketsS = [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5];

/** The append metrics of `MeasuredEventStore`, registered on the app's registry. */
export function eventStoreMetrics(registry: Registry): AppendObserver {
  const duration = new Histogram({
    name: `${metricsPrefix}event_append_duration_seconds`,
    help: 'Event store appends by outcome (appended, duplicate, wrong_expected_version, error), in seconds',
    labelNames: ['outcome'],
    buckets: appendDurationBucketsS,
    registers: [registry],
  });
  const conflicts = new Counter({
    name: `${metricsPrefix}event_append_conflicts_total`,
    help: 'Appends refused with WrongExpectedVersion (a concurrent writer got there first), by stream category',
    labelNames: ['stream_category'],
    registers: [registry],
  });
  return {
    appended: (outcome, durationS) => duration.observe({ outcome }, durationS),
    conflicted: (streamCategory) => conflicts.inc({ stream_category: streamCategory }),
  };
}
