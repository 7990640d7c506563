import { toFeedMessage, type RecordedEvent } from '@escrow/event-store';
import type { JetStreamClient, PubAck } from '@nats-io/jetstream';
import { headers } from '@nats-io/transport-node';
import { eventSubject } from './relay-subjects';

/** How long one publish waits for its PubAck before the window counts it as failed. */
export const relayAckTimeoutMs = 5_000;
export const positionHeader = 'Escrow-Position';
export const eventTypeHeader = 'Escrow-Event-Type';
const headerSafeValue = /^[\x20-\x7e]+$/;

export interface RelayTarget {
  readonly streamName: string;
  readonly subjectPrefix: string;
}

/** The outcome of one window, read in log order. */
export interface WindowAck {
  /** Leading events of the window whose PubAck arrived: everything up to the first failure. */
  readonly ackedCount: number;
  /** Of those, how many the stream stored now, and how many it already had (dropped by msg id). */
  readonly storedCount: number;
  readonly duplicateCount: number;
  /** The first failure in log order, or null when the whole window was acknowledged. */
  readonly error: unknown;
  /**
   * Events stored after an earlier event of the window failed: they now sit in the stream ahead
   * of that event. Not expected (see `publishWindow`), but counted so it cannot go unseen.
   */
  readonly storedOutOfOrder: number;
}

/**
 * Publishes the window's events in log order and waits for every PubAck. All publishes leave
 * before the first ack is awaited (one request each, written to the one connection in call
 * order), and the server stores a connection's messages to a stream in the order it reads them,
 * so the stream keeps the log's order without a round trip per event. A failure of one event
 * that lets a later one through would break that order; a timeout does not (the message may well
 * be stored, and its retry is then a duplicate), so `storedOutOfOrder` stays 0 in practice.
 *
 * The event id is the `Nats-Msg-Id`: JetStream drops a republished event, but only within the
 * stream's duplicate window (see `relayDuplicateWindowMs`), not forever.
 */
export async function publishWindow(js: JetStreamClient, target: RelayTarget, events: readonly RecordedEvent[]): Promise<WindowAck> {
  const acks = events.map((event) => js.publish(eventSubject(target.subjectPrefix, event.streamId, event.type), JSON.stringify(toFeedMessage(event)), {
    msgID: event.eventId,
    // A subject captured by some other stream is a misconfiguration, not a place to publish to.
    expect: { streamName: target.streamName },
    headers: eventHeaders(event),
    timeout: relayAckTimeoutMs,
  }));
  return summarise(await Promise.allSettled(acks));
}

function eventHeaders(event: RecordedEvent) {
  const h = headers();
  h.set(positionHeader, event.position);
  // The payload always has the type; the header is a convenience, left out for odd characters.
  if (headerSafeValue.test(event.type)) h.set(eventTypeHeader, event.type);
  return h;
}

function summarise(settled: readonly PromiseSettledResult<PubAck>[]): WindowAck {
  const firstFailure = settled.findIndex((result) => result.status === 'rejected');
  const ackedCount = firstFailure === -1 ? settled.length : firstFailure;
  const acked = settled.slice(0, ackedCount) as PromiseFulfilledResult<PubAck>[];
  const duplicateCount = acked.filter((result) => result.value.duplicate).length;
  const after = settled.slice(ackedCount);
  return {
    ackedCount,
    storedCount: ackedCount - duplicateCount,
    duplicateCount,
    error: firstFailure === -1 ? null : (settled[firstFailure] as PromiseRejectedResult).reason,
    storedOutOfOrder: after.filter((result) => result.status === 'fulfilled' && !result.value.duplicate).length,
  };
}
