import { randomUUID } from 'node:crypto';
import { appendToLog } from './appends';
import { expectedAny, expectedNoStream } from './commit-check';
import type { LoggedEvent, TransactionLog } from './transaction-log';

/** The node's endpoint in its stats stream name, as a single node on the default port has it. */
export const statsStream = '$stats-127.0.0.1:2113';
/** MonitoringService's default StatsPeriodSec is 30. */
export const statsPeriodDefaultMs = 30_000;
const tenDaysSeconds = 864_000;

/**
 * The system events a node writes into `$all` by itself, as MonitoringService does
 * (src/EventStore.Core/Services/Monitoring/MonitoringService.cs): on becoming leader, the stats
 * stream's metadata (`$metadata` {"$maxAge": 10 days} to `$$$stats-…`, expected no_stream), then a
 * `$statsCollected` event every stats period (expected any). So `$all` holds system events before,
 * between and after the application's, and a consumer that does not filter them out sees them.
 * A real node also writes user-management and settings events, and with projections running,
 * link events; they are not modelled.
 */
export class SystemEvents {
  private timer: NodeJS.Timeout | null = null;

  constructor(
    private readonly log: TransactionLog,
    private readonly statsPeriodMs: number,
  ) {}

  start(): void {
    append(this.log, `$$${statsStream}`, expectedNoStream, '$metadata', { $maxAge: tenDaysSeconds });
    this.timer = setInterval(() => this.collectStats(), this.statsPeriodMs);
    this.timer.unref();
  }

  /** One `$statsCollected` now (tests use it to put a system event exactly where they want one). */
  collectStats(): LoggedEvent {
    const memory = process.memoryUsage();
    return append(this.log, statsStream, expectedAny, '$statsCollected', {
      'proc-startTime': new Date(Date.now() - process.uptime() * 1_000).toISOString(),
      'proc-id': process.pid,
      'proc-mem': memory.rss,
      'es-queue-Main-queueName': 'MainQueue',
    });
  }

  stop(): void {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
  }
}

function append(log: TransactionLog, stream: string, expected: number, eventType: string, data: object): LoggedEvent {
  const outcome = appendToLog(log, stream, expected, [
    { eventId: randomUUID(), eventType, isJson: true, data: Buffer.from(JSON.stringify(data)), metadata: new Uint8Array() },
  ]);
  if (outcome.kind !== 'written') throw new Error(`the test server could not write its own ${eventType} to ${stream}: ${outcome.kind}`);
  return outcome.last;
}
