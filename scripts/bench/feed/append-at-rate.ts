import { randomUUID } from 'node:crypto';
import { contractStream } from '@escrow/domain';
import type { EventStore, EventToAppend } from '@escrow/event-store';
import { monotonicMs, sleep } from './clock';
import { paidMilestone } from './seed-events';

/**
 * One event per append at a fixed rate (each a command's single event, lifecycles in turn), late
 * appends not made up by bursts, until `count` events or `durationMaxMs`. Returns each event's id
 * with the monotonic time its append resolved (CLOCK_MONOTONIC is one clock for every process on
 * the machine).
 */
export async function appendAtRate(store: EventStore, count: number, ratePerSecond: number, durationMaxMs: number): Promise<Array<[string, number]>> {
  const intervalMs = 1_000 / ratePerSecond;
  const deadline = monotonicMs() + durationMaxMs;
  const resolved: Array<[string, number]> = [];
  let lifecycle: EventToAppend[] = [];
  let stream = '';
  let revision = -1;
  let due = monotonicMs();
  for (let i = 0; i < count && monotonicMs() < deadline; i++) {
    if (lifecycle.length === 0) {
      const contractId = randomUUID();
      lifecycle = paidMilestone(contractId);
      stream = contractStream(contractId);
      revision = -1;
    }
    const event = lifecycle.shift()!;
    const waitMs = due - monotonicMs();
    if (waitMs > 0) await sleep(waitMs);
    due = Math.max(due + intervalMs, monotonicMs());
    await store.append(stream, [event], revision < 0 ? 'no_stream' : revision);
    revision++;
    resolved.push([event.eventId, monotonicMs()]);
  }
  return resolved;
}
