import { paidMilestone } from '../feed/seed-events';

export interface PeerEvent {
  readonly eventId: string;
  readonly type: string;
  readonly data: Record<string, unknown>;
  readonly metadata: Record<string, unknown>;
}

/**
 * `count` events shaped like the command handler's (the feed bench's lifecycles: ≈ 600 bytes of
 * data and metadata each), built before the clock starts so that every system is timed on
 * writing, not on making up payloads.
 */
export function peerEvents(count: number): PeerEvent[] {
  const events: PeerEvent[] = [];
  while (events.length < count) {
    for (const event of paidMilestone()) {
      if (events.length === count) break;
      events.push({ eventId: event.eventId, type: event.type, data: event.data as Record<string, unknown>, metadata: { ...event.metadata } });
    }
  }
  return events;
}
