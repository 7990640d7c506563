/**
 * The SSE feed under load. The api runs alone (PROCESS_ROLE=api) in a child process, as it is
 * deployed, so its memory is measured without the clients', and client and server each get a
 * core of their own; the clients (libs/client `subscribe`, or raw HTTP) run in this process.
 * The phases live in ./feed (catch-up, live latency, memory with stalled subscribers); this
 * file is what the other benches import.
 */
export { appendAtRate } from './feed/append-at-rate';
export { machineBusyMs } from './feed/cpu-split';
export { catchUpTargetEventsPerSecond, feedReport, liveP99TargetMs, rssGrowthTargetBytes } from './feed/feed-report';
export { feedBench, type FeedBenchOptions, type FeedBenchResult } from './feed/run-feed-bench';
export { paidMilestone, seedLog } from './feed/seed-events';
